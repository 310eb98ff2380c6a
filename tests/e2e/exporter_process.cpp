#include "tests/e2e/exporter_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/fakes/temp_dir.h"
#include "tests/fakes/wait.h"

namespace pipeline_exporter {

ExporterProcess::ExporterProcess(std::vector<std::string> args, std::string workdir,
                                 std::string log_path, std::string binary)
    : log_path_(std::move(log_path)) {
  args.insert(args.begin(), binary);
  const pid_t parent = getpid();
  pid_ = fork();
  if (pid_ == 0) {
    // Dies with the test (or benchmark) that started it, even when that one crashes before
    // its destructor could stop it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) std::abort();
    if (chdir(workdir.c_str()) != 0) std::abort();  // the test sees the child die
    const int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    dup2(fd, 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execvp(argv[0], argv.data());
    std::abort();
  }
}

ExporterProcess::~ExporterProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

std::string ExporterProcess::Log() const { return ReadFile(log_path_); }

bool ExporterProcess::WaitReady(std::chrono::milliseconds timeout) {
  // logfmt or JSON log lines.
  static const std::regex kListening(
      R"((?:msg="listening" .*port=|"msg":"listening".*"port":")(\d+))");
  return WaitUntil(
             [&] {
               if (pid_ <= 0 || waitpid(pid_, nullptr, WNOHANG) == pid_) {
                 pid_ = -1;
                 return true;  // exited: stop waiting, report below
               }
               std::smatch m;
               const std::string log = Log();
               if (!std::regex_search(log, m, kListening)) return false;
               port_ = std::stoi(m[1]);
               return true;
             },
             timeout) &&
         pid_ > 0 && port_ > 0;
}

std::optional<int> ExporterProcess::WaitUntilExited(std::chrono::milliseconds timeout) {
  int status = 0;
  std::optional<int> code;
  WaitUntil(
      [&] {
        if (pid_ <= 0) return true;
        if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
        pid_ = -1;
        code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return true;
      },
      timeout);
  return code;
}

int ExporterProcess::Terminate(std::chrono::milliseconds* took) {
  if (pid_ <= 0) return -1;
  const auto start = std::chrono::steady_clock::now();
  kill(pid_, SIGTERM);
  const auto code = WaitUntilExited(std::chrono::seconds(10));
  if (took) {
    *took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start);
  }
  return code.value_or(-1);
}

std::map<std::string, double> ParseMetrics(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto sp = line.rfind(' ');
    if (sp == std::string::npos) continue;
    const std::string v = line.substr(sp + 1);
    double value = 0;
    if (v == "NaN") {
      value = std::nan("");
    } else if (v == "+Inf") {
      value = INFINITY;
    } else {
      value = std::stod(v);
    }
    out[line.substr(0, sp)] = value;
  }
  return out;
}

long ProcStatus(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return 0;
}

int RunCommand(const std::string& command, std::string* output) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return -1;
  char buf[4096];
  std::string out;
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  if (output) *output = out;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string PromtoolCheckMetrics(const std::string& exposition, const std::string& path) {
  std::ofstream(path) << exposition;
  std::string out;
  const int rc = RunCommand("promtool check metrics < " + path, &out);
  if (rc == 127) return "promtool is not installed (Debian package prometheus): " + out;
  return rc == 0 ? "" : "promtool: " + out;
}

}  // namespace pipeline_exporter
