// ServerReaper: a "server" (a sleep in its own session, as a daemon is) dies when the process
// that armed the reaper dies without disarming it, and lives on when it was disarmed.
#include "tests/e2e/server_reaper.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "tests/fakes/temp_dir.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {
namespace {

// A process that is not this test's child's child: started with setsid, like a daemon.
pid_t StartDaemonLike() {
  const pid_t pid = fork();
  if (pid == 0) {
    setsid();
    execlp("sleep", "sleep", "60", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

bool Alive(pid_t pid) {
  // Reaped as soon as it has exited (it is this test's child), so kill(0) then fails.
  waitpid(pid, nullptr, WNOHANG);
  return kill(pid, 0) == 0;
}

// In a child process: arms a reaper for `pid_file`, disarms it when `disarm`, and exits at once
// without running any destructor (as a crash would).
void ArmAndDie(const std::string& pid_file, bool disarm) {
  const pid_t child = fork();
  if (child == 0) {
    auto* reaper = new ServerReaper(pid_file, SIGKILL);
    if (disarm) reaper->Disarm();
    _exit(0);
  }
  waitpid(child, nullptr, 0);
}

TEST(ServerReaperTest, TheServerDiesWithTheProcessThatDidNotDisarm) {
  TempDir dir;
  const pid_t server = StartDaemonLike();
  std::ofstream(dir.File("server.pid")) << server << "\n";
  ASSERT_TRUE(Alive(server));
  ArmAndDie(dir.File("server.pid"), /*disarm=*/false);
  EXPECT_TRUE(WaitUntil([&] { return !Alive(server); }, std::chrono::seconds(10)))
      << "the server outlived the test process that started it";
  kill(server, SIGKILL);
  waitpid(server, nullptr, 0);
}

TEST(ServerReaperTest, ADisarmedReaperLeavesTheServerAlone) {
  TempDir dir;
  const pid_t server = StartDaemonLike();
  std::ofstream(dir.File("server.pid")) << server << "\n";
  ArmAndDie(dir.File("server.pid"), /*disarm=*/true);
  // The disarmed watcher has exited (Disarm waits for it): nothing can kill the server now.
  EXPECT_TRUE(Alive(server));
  kill(server, SIGKILL);
  waitpid(server, nullptr, 0);
  EXPECT_FALSE(Alive(server));
}

}  // namespace
}  // namespace pipeline_exporter
