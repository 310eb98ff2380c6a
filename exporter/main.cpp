// pipeline_exporter: flags → config → logging → app; then wait for SIGINT/SIGTERM.
// `pipeline_exporter prune …` runs the retention command instead (exporter/app/prune_command).

#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <iostream>

#include "exporter/app/exporter_app.h"
#include "exporter/app/logging.h"
#include "exporter/app/prune_command.h"
#include "exporter/config/config_loader.h"
#include "exporter/config/flags.h"
#include "exporter/config/web_config.h"
#include "exporter/util/clock.h"
#include "exporter/util/logfmt.h"

using namespace pipeline_exporter;

namespace {

std::atomic<bool> g_prune_stop{false};

int Prune(int argc, char** argv) {
  ConfigureLogging("warn", "logfmt");
  // A signal ends the prune between two transactions, with what was deleted reported.
  auto on_signal = [](int) { g_prune_stop = true; };
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  return RunPruneCommand(std::vector<std::string>(argv + 2, argv + argc), std::cout, std::cerr,
                         g_prune_stop);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "prune") return Prune(argc, argv);
  const FlagsResult parsed = ParseFlags(std::vector<std::string>(argv + 1, argv + argc));
  if (parsed.error) {
    std::cerr << "pipeline_exporter: " << *parsed.error << "\n(see --help)\n";
    return 2;
  }
  const Flags& flags = parsed.flags;
  if (flags.help) {
    std::cout << FlagsUsage();
    return 0;
  }
  if (flags.version) {
    std::cout << VersionString() << "\n";
    return 0;
  }

  Config config;
  try {
    config = flags.config_file.empty() ? DefaultConfig() : LoadConfigFile(flags.config_file);
  } catch (const ConfigError& e) {
    std::cerr << "pipeline_exporter: bad configuration: " << e.what() << "\n";
    return 1;
  }
  if (!flags.web_config_file.empty()) {
    try {
      const WebAuthConfig web = LoadWebConfigFile(flags.web_config_file);
      config.basic_auth_users = web.basic_auth_users;
      config.metrics_without_auth = web.metrics_without_auth;
      config.trusted_proxies = web.trusted_proxies;
      config.tls = web.tls;
    } catch (const ConfigError& e) {
      std::cerr << "pipeline_exporter: bad web configuration: " << e.what() << "\n";
      return 1;
    }
  }

  // Control that nobody could use (no web-config users, no token) is a mistake to say now.
  if (config.control.enabled && config.control.token.empty() && config.basic_auth_users.empty()) {
    std::cerr << "pipeline_exporter: bad configuration: control.enabled needs control.token or "
                 "basic_auth_users in --web.config.file (is the token's variable set?)\n";
    return 1;
  }

  ConfigureLogging(flags.log_level, flags.log_format);

  // Block the stop signals in every thread, so that only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  SystemClock clock;
  ExporterApp app(std::move(config), flags, clock);
  try {
    spdlog::info("msg=\"starting\" build={}", LogfmtQuote(VersionString()));
    app.Start();
  } catch (const std::exception& e) {
    spdlog::error("msg=\"cannot start\" error={}", LogfmtQuote(e.what()));
    std::cerr << "pipeline_exporter: " << e.what() << "\n";
    return 1;
  }

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("msg=\"stopping\" signal={}", sig == SIGINT ? "SIGINT" : "SIGTERM");
  app.Stop();
  spdlog::info("msg=\"stopped\"");
  return 0;
}
