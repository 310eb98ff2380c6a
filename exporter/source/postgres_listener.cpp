#include "exporter/source/postgres_listener.h"

#include <dlfcn.h>
#include <libpq-fe.h>
#include <poll.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "exporter/util/logfmt.h"

namespace pipeline_exporter {
namespace {

// Thrown when the stop signal arrives inside a wait; ends Listen without a loss.
struct Stopping {};

PGconn* Conn(void* conn) { return static_cast<PGconn*>(conn); }

// The libpq calls the listener makes, looked up in the libpq that SOCI's PostgreSQL backend
// has loaded (the binary does not link libpq: a SQLite or MySQL user does not map it and
// the libraries it pulls in).
struct LibPq {
  decltype(&::PQsocket) socket;
  decltype(&::PQconsumeInput) consume_input;
  decltype(&::PQnotifies) notifies;
  decltype(&::PQfreemem) freemem;
  decltype(&::PQsendQuery) send_query;
  decltype(&::PQisBusy) is_busy;
  decltype(&::PQgetResult) get_result;
  decltype(&::PQresultStatus) result_status;
  decltype(&::PQclear) clear;
  decltype(&::PQerrorMessage) error_message;
  decltype(&::PQstatus) status;
};

template <typename F>
void Resolve(void* handle, const char* name, F& out) {
  out = reinterpret_cast<F>(dlsym(handle, name));
  if (!out) throw std::runtime_error(std::string("libpq has no ") + name);
}

const LibPq& Pq() {
  static const LibPq* pq = [] {
    void* handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!handle) throw std::runtime_error(std::string("cannot load libpq: ") + dlerror());
    auto* p = new LibPq{};  // lives as long as the process, as the library does
    Resolve(handle, "PQsocket", p->socket);
    Resolve(handle, "PQconsumeInput", p->consume_input);
    Resolve(handle, "PQnotifies", p->notifies);
    Resolve(handle, "PQfreemem", p->freemem);
    Resolve(handle, "PQsendQuery", p->send_query);
    Resolve(handle, "PQisBusy", p->is_busy);
    Resolve(handle, "PQgetResult", p->get_result);
    Resolve(handle, "PQresultStatus", p->result_status);
    Resolve(handle, "PQclear", p->clear);
    Resolve(handle, "PQerrorMessage", p->error_message);
    Resolve(handle, "PQstatus", p->status);
    return p;
  }();
  return *pq;
}

std::string Lost(PGconn* conn, const char* what) {
  std::string message = Pq().error_message(conn);
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) {
    message.pop_back();
  }
  return std::string(what) + (message.empty() ? "" : ": " + message);
}

}  // namespace

PostgresListener::PostgresListener(Database& db, std::string pipeline, const Clock& clock,
                                   std::function<void()> notified,
                                   std::function<void(ListenerEvent)> report,
                                   ListenerOptions options)
    : db_(db),
      pipeline_(std::move(pipeline)),
      clock_(clock),
      notified_(std::move(notified)),
      report_(std::move(report)),
      options_(options),
      channel_(db.table()) {
  std::transform(channel_.begin(), channel_.end(), channel_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
}

PostgresListener::~PostgresListener() { Stop(); }

void PostgresListener::Start() {
  if (thread_.running()) return;
  stopping_ = false;
  thread_.Start([this](int stop_fd) {
    stop_fd_ = stop_fd;
    Run();
  });
}

void PostgresListener::Stop() { thread_.Stop(); }

bool PostgresListener::WaitReadable(int socket, std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{stop_fd_, POLLIN, 0}, {socket, POLLIN, 0}};
  const nfds_t n = socket >= 0 ? 2 : 1;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    const int r = poll(fds, n, static_cast<int>(std::max<std::int64_t>(0, left.count())));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    if (fds[0].revents) {
      stopping_ = true;
      throw Stopping{};
    }
    return r > 0 && fds[1].revents != 0;
  }
}

void PostgresListener::Ping(void* c) {
  PGconn* conn = Conn(c);
  const LibPq& pq = Pq();
  if (!pq.send_query(conn, "SELECT 1")) throw std::runtime_error(Lost(conn, "keepalive not sent"));
  const auto deadline = std::chrono::steady_clock::now() + options_.reply_timeout;
  while (pq.is_busy(conn)) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !WaitReadable(pq.socket(conn), left)) {
      throw std::runtime_error("no answer to the keepalive within " +
                               std::to_string(options_.reply_timeout.count()) + " ms");
    }
    if (!pq.consume_input(conn)) throw std::runtime_error(Lost(conn, "connection lost"));
  }
  bool ok = true;
  while (PGresult* result = pq.get_result(conn)) {
    ok = ok && pq.result_status(result) == PGRES_TUPLES_OK;
    pq.clear(result);
  }
  if (!ok) throw std::runtime_error(Lost(conn, "keepalive failed"));
}

void PostgresListener::Listen(void* c) {
  PGconn* conn = Conn(c);
  const LibPq& pq = Pq();
  for (;;) {
    if (!WaitReadable(pq.socket(conn), options_.keepalive)) {
      Ping(conn);
    } else if (!pq.consume_input(conn)) {
      throw std::runtime_error(Lost(conn, "connection lost"));
    }
    bool any = false;
    while (PGnotify* n = pq.notifies(conn)) {
      any = true;
      pq.freemem(n);
    }
    if (any) notified_();
    if (pq.status(conn) != CONNECTION_OK) throw std::runtime_error(Lost(conn, "connection lost"));
  }
}

void PostgresListener::Run() {
  bool listening = false;
  bool trigger_checked = false;
  while (!stopping_) {
    try {
      db_.Run(Database::Role::kListen, [&](soci::session& sql, std::unique_ptr<SessionCache>&) {
        sql << "LISTEN \"" + channel_ + "\"";
        if (!trigger_checked) {
          int triggers = 0;
          std::string table = db_.table();
          sql << "SELECT COUNT(*) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                 "WHERE t.tgrelid = to_regclass(:t) AND p.proname = 'pipeline_exporter_notify'",
              soci::use(table), soci::into(triggers);
          trigger_checked = true;
          if (triggers == 0) {
            spdlog::info(
                "pipeline={} msg=\"no NOTIFY trigger on the event table (migration 003): new rows "
                "arrive by the poll until it is applied\"",
                pipeline_);
          }
        }
        listening = true;
        report_(ListenerEvent::kListening);
        spdlog::info("pipeline={} channel={} msg=\"listening for new rows\"", pipeline_, channel_);
        notified_();  // rows committed while nobody listened
        auto* backend = static_cast<soci::postgresql_session_backend*>(sql.get_backend());
        Listen(backend->conn_);
      });
    } catch (const Stopping&) {
      return;
    } catch (const std::exception& e) {
      if (listening) {
        listening = false;
        report_(ListenerEvent::kLost);
        spdlog::warn(
            "pipeline={} msg=\"lost the LISTEN connection; new rows arrive by the poll until it is "
            "back\" error={}",
            pipeline_, LogfmtQuote(e.what()));
      } else if (auto suppressed = failure_log_.Admit(clock_.Now())) {
        spdlog::warn(
            "pipeline={} msg=\"cannot LISTEN; new rows arrive by the poll\" error={} "
            "suppressed={}",
            pipeline_, LogfmtQuote(e.what()), *suppressed);
      }
    }
    try {
      WaitReadable(-1, options_.retry);
    } catch (const Stopping&) {
      return;
    }
  }
}

}  // namespace pipeline_exporter
