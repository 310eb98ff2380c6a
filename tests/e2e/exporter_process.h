#pragma once
// Runs the real pipeline_exporter binary as a child process for end-to-end tests: starts
// it with flags, learns its port from its log, talks to it over HTTP, stops it with
// SIGTERM and reports how long that took. The destructor kills a process still running.
// Not thread-safe; one object per process; non-copyable.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tests/fakes/http_client.h"

namespace pipeline_exporter {

class ExporterProcess {
 public:
  // `workdir` is the child's working directory; its stderr goes to `log_path`. `binary`
  // is the exporter unless another program (Prometheus) is run the same way.
  ExporterProcess(std::vector<std::string> args, std::string workdir, std::string log_path,
                  std::string binary = PE_EXPORTER_BINARY);
  ~ExporterProcess();
  ExporterProcess(const ExporterProcess&) = delete;
  ExporterProcess& operator=(const ExporterProcess&) = delete;

  // Waits for the "listening" line; returns false (see Log()) when the process exited or
  // did not get there in time.
  bool WaitReady(std::chrono::milliseconds timeout = std::chrono::seconds(20));

  // SIGTERM, then wait; returns the exit status (or -1) and how long it took.
  int Terminate(std::chrono::milliseconds* took = nullptr);

  // Waits for the process to exit by itself; the exit code, or nullopt on timeout.
  std::optional<int> WaitUntilExited(std::chrono::milliseconds timeout);

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string Log() const;
  HttpResult Get(const std::string& target, const HeaderList& headers = {}) const {
    return HttpGet(port_, target, headers);
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string log_path_;
};

// Parses Prometheus text into "name{labels}" → value (comments skipped).
std::map<std::string, double> ParseMetrics(const std::string& text);

// A figure of /proc/PID/status in kB (VmRSS now, VmHWM the peak) or a count (Threads); 0
// when absent.
long ProcStatus(pid_t pid, const std::string& field);

// Runs a shell command; returns its exit status and combined output.
int RunCommand(const std::string& command, std::string* output);

// `promtool check metrics` on an exposition (written to `path` first): "" when it passes,
// else what promtool said (or that it is not installed).
std::string PromtoolCheckMetrics(const std::string& exposition, const std::string& path);

}  // namespace pipeline_exporter
