#include "exporter/process/process_collector.h"

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "exporter/core/exposition/metric_family_builder.h"

namespace pipeline_exporter {
namespace {

using prometheus::MetricType;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ProcessCollector::ProcessCollector(std::string proc_root)
    : proc_root_(std::move(proc_root)),
      ticks_per_second_(sysconf(_SC_CLK_TCK)),
      page_size_(sysconf(_SC_PAGESIZE)) {
  std::istringstream stat(ReadFile(proc_root_ + "/stat"));
  for (std::string line; std::getline(stat, line);) {
    if (line.rfind("btime ", 0) == 0) boot_time_seconds_ = std::stod(line.substr(6));
  }
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  const std::string stat = ReadFile(proc_root_ + "/self/stat");
  // The command name (field 2) is in parentheses and may hold spaces: fields are counted
  // from the last ')'.
  const auto close = stat.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(stat.substr(close + 2));
    std::vector<std::string> f;
    for (std::string x; fields >> x;) f.push_back(x);
    // f[0] is field 3 (state): field N is f[N - 3].
    if (f.size() > 21) {
      const double ticks = static_cast<double>(ticks_per_second_);
      const double cpu = (std::stod(f[11]) + std::stod(f[12])) / ticks;
      const double start = boot_time_seconds_ + std::stod(f[19]) / ticks;
      const double vsize = std::stod(f[20]);
      const double rss = std::stod(f[21]) * static_cast<double>(page_size_);
      auto cpu_f =
          MakeFamily("process_cpu_seconds_total",
                     "Total user and system CPU time spent in seconds.", MetricType::Counter);
      AddCounter(cpu_f, {}, cpu);
      out.push_back(std::move(cpu_f));
      auto rss_f = MakeFamily("process_resident_memory_bytes", "Resident memory size in bytes.",
                              MetricType::Gauge);
      AddGauge(rss_f, {}, rss);
      out.push_back(std::move(rss_f));
      auto vsz_f = MakeFamily("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                              MetricType::Gauge);
      AddGauge(vsz_f, {}, vsize);
      out.push_back(std::move(vsz_f));
      auto start_f =
          MakeFamily("process_start_time_seconds",
                     "Start time of the process since unix epoch in seconds.", MetricType::Gauge);
      AddGauge(start_f, {}, start);
      out.push_back(std::move(start_f));
    }
  }

  double fds = 0;
  if (DIR* dir = opendir((proc_root_ + "/self/fd").c_str())) {
    while (const dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') ++fds;
    }
    closedir(dir);
    --fds;  // the descriptor opendir itself holds
  }
  auto fds_f =
      MakeFamily("process_open_fds", "Number of open file descriptors.", MetricType::Gauge);
  AddGauge(fds_f, {}, fds);
  out.push_back(std::move(fds_f));

  std::istringstream limits(ReadFile(proc_root_ + "/self/limits"));
  for (std::string line; std::getline(limits, line);) {
    if (line.rfind("Max open files", 0) == 0) {
      std::istringstream v(line.substr(14));
      std::string soft;
      v >> soft;
      auto max_f = MakeFamily("process_max_fds", "Maximum number of open file descriptors.",
                              MetricType::Gauge);
      AddGauge(max_f, {}, soft == "unlimited" ? 0 : std::stod(soft));
      out.push_back(std::move(max_f));
    }
  }
  return out;
}

}  // namespace pipeline_exporter
