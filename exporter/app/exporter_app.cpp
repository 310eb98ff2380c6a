#include "exporter/app/exporter_app.h"

#include <soci/soci.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include "exporter/alerting/alertmanager_client.h"
#include "exporter/alerting/cached_alert_reader.h"
#include "exporter/app/retention_worker.h"
#include "exporter/core/exposition/action_counts.h"
#include "exporter/core/exposition/build_info_collector.h"
#include "exporter/core/exposition/pipeline_collector.h"
#include "exporter/core/exposition/retention_metrics.h"
#include "exporter/core/fold/pipeline_store.h"
#include "exporter/http/alerts_handler.h"
#include "exporter/http/audit_log.h"
#include "exporter/http/basic_auth.h"
#include "exporter/http/batch_handler.h"
#include "exporter/http/batches_handler.h"
#include "exporter/http/control_handler.h"
#include "exporter/http/current_batch_handler.h"
#include "exporter/http/event_handler.h"
#include "exporter/http/health_handler.h"
#include "exporter/http/http_metrics.h"
#include "exporter/http/http_server.h"
#include "exporter/http/ingest_handler.h"
#include "exporter/http/metrics_handler.h"
#include "exporter/http/page_handler.h"
#include "exporter/http/pipeline_registry.h"
#include "exporter/http/pipelines_handler.h"
#include "exporter/http/silence_handler.h"
#include "exporter/http/sse_clients_collector.h"
#include "exporter/http/sse_hub.h"
#include "exporter/http/stream_handler.h"
#include "exporter/http/workers_handler.h"
#include "exporter/process/process_collector.h"
#include "exporter/source/database.h"
#include "exporter/source/demo_scenario.h"
#include "exporter/source/demo_simulator.h"
#include "exporter/source/postgres_listener.h"
#include "exporter/source/schema_bootstrap.h"
#include "exporter/source/soci_event_log.h"
#include "exporter/source/soci_event_source.h"
#include "exporter/source/sql_dialect.h"
#include "exporter/source/sqlite_file_watcher.h"
#include "exporter/source/tailer.h"
#include "exporter/util/logfmt.h"

namespace pipeline_exporter {

std::string VersionString() {
  return std::string("pipeline_exporter, version ") + PE_VERSION + " (revision " + PE_REVISION +
         ")";
}

namespace {

// civetweb gives each open connection a worker thread. Streams are capped at
// max_sse_clients, so this many more always remain for /metrics and the API: idle or slow
// connections (each given up after 10 s) would have to hold all of them to delay a scrape.
constexpr int kNonStreamThreads = 128;

int HttpThreads(const Config& config) {
  return static_cast<int>(config.web.max_sse_clients) + kNonStreamThreads;
}

}  // namespace

struct ExporterApp::Impl {
  struct Pipeline {
    PipelineConfig config;
    std::unique_ptr<PipelineStore> store;
    std::unique_ptr<Database> db;  // the pipeline's one connection holder
    std::unique_ptr<SociEventLog> log;
    std::unique_ptr<SociEventSource> source;
    std::unique_ptr<Tailer> tailer;
    // What wakes the tailer before its poll interval ends: SQLite's files, PostgreSQL's NOTIFY.
    std::unique_ptr<SqliteFileWatcher> watcher;
    std::unique_ptr<PostgresListener> listener;
    std::unique_ptr<SociPruner> pruner;  // retention on
  };

  // Starts what wakes the tailer before its interval ends; returns the path's name for the log.
  static const char* StartWakeUps(Pipeline& p, const Clock& clock, bool demo_target);

  Impl(Config c, Flags f, const Clock& clk)
      : config(std::move(c)), flags(std::move(f)), clock(clk) {}

  Config config;
  Flags flags;
  const Clock& clock;
  std::vector<Pipeline> pipelines;
  std::unique_ptr<PipelineCollector> pipeline_collector;
  BuildInfoCollector build_info{PE_VERSION, PE_REVISION};
  ProcessCollector process_collector;
  SseClientsCollector sse_clients;
  HttpMetrics http_metrics;
  ActionCounts action_counts;
  AuditLog audit{action_counts};
  RetentionMetrics retention_metrics;
  std::unique_ptr<RetentionWorker> retention;
  // The sources without exemplars, as /metrics reads them.
  CollectableExposition sse_clients_source{sse_clients};
  CollectableExposition http_metrics_source{http_metrics};
  CollectableExposition action_counts_source{action_counts};
  CollectableExposition retention_source{retention_metrics};
  CollectableExposition build_info_source{build_info};
  CollectableExposition process_source{process_collector};
  std::unique_ptr<SseHub> hub;
  std::unique_ptr<PipelineRegistry> registry;
  std::unique_ptr<PipelinesHandler> pipelines_handler;
  std::unique_ptr<CurrentBatchHandler> current_batch;
  std::unique_ptr<BatchesHandler> batches;
  std::unique_ptr<BatchHandler> batch;
  std::unique_ptr<EventHandler> event;
  std::unique_ptr<IngestHandler> ingest;
  std::unique_ptr<ControlHandler> control;
  std::unique_ptr<AlertmanagerClient> alertmanager;  // null unless web.alertmanager_url
  std::unique_ptr<CachedAlertReader> alerts_cache;
  std::unique_ptr<AlertsHandler> alerts;
  std::unique_ptr<SilenceHandler> silence;
  std::unique_ptr<StreamHandler> stream;
  std::unique_ptr<WorkersHandler> workers;
  std::unique_ptr<MetricsHandler> metrics;
  std::unique_ptr<HealthHandler> health;
  std::unique_ptr<PageHandler> page;
  std::unique_ptr<HttpServer> server;
  std::unique_ptr<BasicAuth> auth;
  std::unique_ptr<DemoSimulator> demo;
  bool started = false;
};

ExporterApp::ExporterApp(Config config, Flags flags, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(flags), clock)) {
  // Before the first connection (in a process that opened none yet: the binary).
  UseSqliteMultiThreadMode();
  Impl& m = *impl_;
  // The demo writes its ten stages into the first pipeline; show them in order even before
  // their first event when the configuration names none.
  if (m.flags.demo && m.config.pipelines.front().spec.stages.empty()) {
    m.config.pipelines.front().spec.stages = DemoScenario::Stages();
  }
  std::vector<const PipelineStore*> stores;
  for (const PipelineConfig& pc : m.config.pipelines) {
    Impl::Pipeline p;
    p.config = pc;
    p.store = std::make_unique<PipelineStore>(pc.spec, m.clock);
    stores.push_back(p.store.get());
    m.pipelines.push_back(std::move(p));
  }
  m.pipeline_collector = std::make_unique<PipelineCollector>(stores);
  // A client may fall this many events behind before it is dropped.
  m.hub = std::make_unique<SseHub>(m.config.web.max_sse_clients, 10000, m.sse_clients);
  std::vector<ApiPipeline> api_pipelines;
  for (auto& p : m.pipelines) {
    p.store->SetListener(m.hub.get());
    p.db = std::make_unique<Database>(p.config.database, p.config.table, m.clock);
    p.log = std::make_unique<SociEventLog>(*p.db, p.config.control_table);
    ApiPipeline a;
    a.store = p.store.get();
    a.runs = p.log.get();
    a.lookup = p.log.get();
    a.search = p.log.get();
    a.after = p.log.get();
    a.run_starts = p.log.get();
    if (m.config.ingest.enabled) a.appender = p.log.get();
    if (m.config.control.enabled) a.control = p.log.get();
    Impl::Pipeline* self = &p;
    a.nudge = [self] {
      if (self->tailer) self->tailer->Nudge(WakeSource::kApi);
    };
    api_pipelines.push_back(std::move(a));
  }
  m.registry = std::make_unique<PipelineRegistry>(std::move(api_pipelines));
  m.pipelines_handler = std::make_unique<PipelinesHandler>(
      *m.registry, PipelinesInfo{m.config.web.grafana_url, m.config.ingest.enabled,
                                 m.config.control.enabled, !m.config.web.alertmanager_url.empty()});
  m.current_batch = std::make_unique<CurrentBatchHandler>(*m.registry);
  m.batches = std::make_unique<BatchesHandler>(*m.registry);
  m.batch = std::make_unique<BatchHandler>(*m.registry);
  m.control = std::make_unique<ControlHandler>(
      *m.registry, ControlOptions{m.config.control.enabled, m.config.control.token,
                                  m.config.control.token_name, &m.audit});
  m.event = std::make_unique<EventHandler>(*m.registry);
  m.workers = std::make_unique<WorkersHandler>(*m.registry);
  SilenceBackend silence_backend;
  silence_backend.audit = &m.audit;
  if (!m.config.web.alertmanager_url.empty()) {
    // Validated by the configuration loader.
    m.alertmanager = std::make_unique<AlertmanagerClient>(
        *ParseHttpUrl(m.config.web.alertmanager_url, nullptr), HttpClientOptions{});
    m.alerts_cache = std::make_unique<CachedAlertReader>(*m.alertmanager, m.clock);
    silence_backend.reader = m.alertmanager.get();
    silence_backend.creator = m.alertmanager.get();
    CachedAlertReader* cache = m.alerts_cache.get();
    silence_backend.created = [cache](const std::string& pipeline) { cache->Invalidate(pipeline); };
  }
  m.alerts = std::make_unique<AlertsHandler>(*m.registry, m.alerts_cache.get());
  m.silence = std::make_unique<SilenceHandler>(*m.registry, std::move(silence_backend), m.clock);
  m.ingest = std::make_unique<IngestHandler>(
      *m.registry, m.clock, IngestOptions{m.config.ingest.enabled, m.config.ingest.token, 1000});
  StreamOptions stream_options;
  stream_options.heartbeat_ms = m.config.web.sse_heartbeat_ms;
  m.stream = std::make_unique<StreamHandler>(*m.registry, *m.hub, stream_options);
  m.metrics = std::make_unique<MetricsHandler>(std::vector<const ExpositionSource*>{
      m.pipeline_collector.get(), &m.sse_clients_source, &m.http_metrics_source,
      &m.action_counts_source, &m.retention_source, &m.build_info_source, &m.process_source});
  m.health = std::make_unique<HealthHandler>(stores);
  m.page = std::make_unique<PageHandler>(m.flags.telemetry_path);

  HttpServerOptions options;
  options.listen_address = m.flags.listen_address;
  options.num_threads = HttpThreads(m.config);
  options.max_body_bytes = m.config.ingest.max_body_bytes;
  options.trusted_proxies = m.config.trusted_proxies;
  options.trusted_origins = m.config.web.trusted_origins;
  if (m.config.tls) {
    const TlsServerConfig& t = *m.config.tls;
    options.tls = HttpTlsOptions{t.cert_file,        t.key_file,    t.client_ca_file,
                                 t.client_auth_type, t.min_version, t.max_version};
  }
  m.server = std::make_unique<HttpServer>(options);
  m.server->SetMetrics(&m.http_metrics);
  using Route = HttpServer::Route;
  auto get = [](auto* handler) {
    return Route{[handler](const HttpRequest& r) { return handler->Get(r); }, {}, {}};
  };
  m.server->Handle("metrics", m.flags.telemetry_path,
                   Route{[&m](const HttpRequest& r) { return (*m.metrics)(r); }, {}, {}});
  m.server->Handle("health", "/api/health",
                   Route{[&m](const HttpRequest& r) { return (*m.health)(r); }, {}, {}});
  HttpServer::Route healthy{[&m](const HttpRequest& r) { return m.health->Healthy(r); }, {}, {}};
  healthy.public_get = true;
  m.server->Handle("healthy", "/-/healthy", healthy);
  HttpServer::Route ready{[&m](const HttpRequest& r) { return m.health->Ready(r); }, {}, {}};
  ready.public_get = true;
  m.server->Handle("ready", "/-/ready", ready);
  m.server->Handle(
      "page", "/",
      Route{[&m](const HttpRequest& r) { return m.page->Serve(r, "index.html"); }, {}, {}});
  m.server->HandlePrefix(
      "static", "/static/",
      Route{[&m](const HttpRequest& r) { return m.page->Serve(r, r.path.substr(1)); }, {}, {}});
  m.server->Handle("pipelines", "/api/pipelines", get(m.pipelines_handler.get()));
  m.server->Handle("current_batch", "/api/current-batch", get(m.current_batch.get()));
  m.server->Handle("batches", "/api/batches", get(m.batches.get()));
  m.server->HandlePrefix(
      "batch", "/api/batch/",
      Route{{},
            [&m](const HttpRequest& r) { return m.control->Post(r); },
            [&m](const HttpRequest& r, HttpStream& out) { m.batch->Get(r, out); },
            /*post_json=*/true,
            /*post_bearer=*/true});
  m.server->Handle("ingest", "/api/events",
                   Route{{},
                         [&m](const HttpRequest& r) { return m.ingest->Post(r); },
                         {},
                         /*post_json=*/true,
                         /*post_bearer=*/true});
  m.server->HandlePrefix("event", "/api/events/", get(m.event.get()));
  m.server->Handle("workers", "/api/workers", get(m.workers.get()));
  m.server->Handle("alerts", "/api/alerts", get(m.alerts.get()));
  m.server->Handle("silence", "/api/alerts/silence",
                   Route{{},
                         [&m](const HttpRequest& r) { return m.silence->Post(r); },
                         {},
                         /*post_json=*/true});
  m.server->Handle(
      "stream", "/api/stream",
      Route{{}, {}, [&m](const HttpRequest& r, HttpStream& out) { m.stream->Get(r, out); }});
  if (!m.config.basic_auth_users.empty()) {
    m.auth = std::make_unique<BasicAuth>(
        m.config.basic_auth_users, m.config.metrics_without_auth ? m.flags.telemetry_path : "",
        m.clock);
    m.server->SetAuthenticator([&m](HttpRequest& r) {
      auto denied = m.auth->Check(r);
      if (!denied) r.user = BasicAuth::UserOf(r);
      return denied;
    });
  }
}

ExporterApp::~ExporterApp() { Stop(); }

namespace {

// Raises the soft open-files limit to the hard one (as Go programs do at start) and warns
// when even that is below what the configuration needs: every pipeline's sessions, one
// socket per HTTP worker, and some for logs and the listener.
void CheckOpenFilesLimit(std::size_t pipelines, int http_threads) {
  const rlim_t needed =
      static_cast<rlim_t>(pipelines) * (1 + DatabaseOptions{}.query_sessions) * 2 +
      static_cast<rlim_t>(http_threads) + 64;
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < rl.rlim_max) {
    rlimit raised = rl;
    raised.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
  }
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < needed) {
    spdlog::warn(
        "msg=\"the open-files limit is below what the configuration needs; requests and polls "
        "will fail when it is reached\" limit={} needed={} hint=\"raise it (systemd: "
        "LimitNOFILE=65536; shell: ulimit -n)\"",
        static_cast<unsigned long long>(rl.rlim_cur), static_cast<unsigned long long>(needed));
  }
}

}  // namespace

namespace {

// Says, once at start, when a SQLite file is not in WAL mode: there a read waits while a
// writer commits, and the writers' transactions wait for the reads.
void CheckJournalMode(const std::string& pipeline, Database& db) {
  try {
    const std::string mode = db.With(Database::Role::kQuery, [](soci::session& sql) {
      std::string m;
      sql << "PRAGMA journal_mode", soci::into(m);
      return m;
    });
    if (mode != "wal") {
      spdlog::info(
          "pipeline={} msg=\"the SQLite file is not in WAL mode: reads wait while a writer "
          "commits, and an event may arrive late; convert it once with PRAGMA "
          "journal_mode=WAL\" journal_mode={}",
          pipeline, LogfmtQuote(mode));
    }
  } catch (const std::exception&) {
    // The tail reports an unreadable database.
  }
}

}  // namespace

const char* ExporterApp::Impl::StartWakeUps(Impl::Pipeline& p, const Clock& clock,
                                            bool demo_target) {
  Tailer* tailer = p.tailer.get();
  const std::string& name = p.config.spec.name;
  switch (p.db->dialect()) {
    case SqlDialect::kSqlite: {
      const auto file = SqliteFileOf(p.config.database);
      if (!file) return "poll";
      CheckJournalMode(name, *p.db);
      p.watcher = std::make_unique<SqliteFileWatcher>(
          *file, [tailer] { tailer->Nudge(WakeSource::kInotify); });
      try {
        p.watcher->Start();
        return "inotify";
      } catch (const std::exception& e) {
        spdlog::warn(
            "pipeline={} msg=\"cannot watch the SQLite file; new rows arrive by the poll\" "
            "error={}",
            name, LogfmtQuote(e.what()));
        p.watcher.reset();
        return "poll";
      }
    }
    case SqlDialect::kPostgresql: {
      if (demo_target) {
        try {
          ApplyMigration(p.config.database, 3, p.config.table);
        } catch (const std::exception& e) {
          spdlog::warn("pipeline={} msg=\"cannot apply migration 003 (NOTIFY)\" error={}", name,
                       LogfmtQuote(e.what()));
        }
      }
      PipelineStore* store = p.store.get();
      p.listener = std::make_unique<PostgresListener>(
          *p.db, name, clock, [tailer] { tailer->Nudge(WakeSource::kNotify); },
          [store](ListenerEvent e) { store->RecordListener(e); });
      p.listener->Start();
      return "notify";
    }
    case SqlDialect::kMysql:
      return "poll";
  }
  return "poll";
}

void ExporterApp::Start() {
  Impl& m = *impl_;
  if (m.started) return;
  CheckOpenFilesLimit(m.pipelines.size(), HttpThreads(m.config));
  m.server->Start();
  spdlog::info("msg=\"listening\" address={} port={} telemetry_path={}",
               LogfmtQuote(m.flags.listen_address), m.server->port(), m.flags.telemetry_path);

  for (std::size_t i = 0; i < m.pipelines.size(); ++i) {
    Impl::Pipeline& p = m.pipelines[i];
    const bool demo_target = m.flags.demo && i == 0;
    if (DialectOf(p.config.database) == SqlDialect::kSqlite || demo_target) {
      try {
        if (EnsureEventTable(p.config.database, p.config.table, p.config.control_table)) {
          spdlog::info("pipeline={} msg=\"created event table\" table={}", p.config.spec.name,
                       p.config.table);
        }
      } catch (const std::exception& e) {
        // Not fatal: the tail keeps retrying and reports db_up 0 until the database works.
        spdlog::error("pipeline={} msg=\"cannot prepare the event table\" error={}",
                      p.config.spec.name, LogfmtQuote(e.what()));
      }
    }
    p.source = std::make_unique<SociEventSource>(*p.db);
    TailerOptions to;
    to.poll_interval = p.config.poll_interval;
    to.replay_ms = p.config.replay_ms;
    to.gap_grace_ms = p.config.gap_grace_ms;
    p.tailer = std::make_unique<Tailer>(*p.store, *p.source, *p.source, *p.log, m.clock, to);
    // Control requests are read whenever the control table is there (another exporter may
    // write them); a missing table is only worth a warning where control is on.
    p.tailer->SetControlReader(p.log.get(), m.config.control.enabled);
    p.tailer->Start();
    const char* wake_up = Impl::StartWakeUps(p, m.clock, demo_target);
    spdlog::info("pipeline={} msg=\"tailing\" table={} poll_interval_ms={} wake_up={}",
                 p.config.spec.name, p.config.table, p.config.poll_interval.count(), wake_up);
  }
  if (m.config.retention.enabled) {
    const RetentionConfig& rc = m.config.retention;
    std::vector<RetentionWorker::Target> targets;
    for (auto& p : m.pipelines) {
      p.pruner = std::make_unique<SociPruner>(*p.db, p.config.control_table);
      targets.push_back({p.config.spec.name, p.pruner.get()});
    }
    PruneOptions options;
    options.policy.older_than_ms = rc.older_than_ms;
    options.policy.keep_batches = rc.keep_batches;
    options.policy.stall_after_ms = rc.stall_after_ms;
    options.batch_size = rc.batch_size;
    m.retention = std::make_unique<RetentionWorker>(std::move(targets), options, rc.interval_ms,
                                                    std::min<std::int64_t>(rc.interval_ms, 60000),
                                                    m.retention_metrics, m.clock);
    m.retention->Start();
  }
  if (m.flags.demo) {
    DemoOptions demo;
    demo.speed = m.flags.demo_speed;
    m.demo = std::make_unique<DemoSimulator>(*m.pipelines.front().log, m.clock, demo);
    m.demo->Start();
  }
  m.started = true;
}

void ExporterApp::Stop() {
  Impl& m = *impl_;
  // Streams first: their handlers hold civetweb threads until they end.
  if (m.hub) m.hub->Close();
  if (m.demo) m.demo->Stop();
  if (m.retention) m.retention->Stop();
  for (auto& p : m.pipelines) {
    // The wake-ups first: they call into the tailer.
    if (p.watcher) p.watcher->Stop();
    if (p.listener) p.listener->Stop();
    if (p.tailer) p.tailer->Stop();
  }
  if (m.server) m.server->Stop();
  m.started = false;
}

int ExporterApp::port() const { return impl_->server->port(); }

}  // namespace pipeline_exporter
