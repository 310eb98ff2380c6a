#include "exporter/source/soci_event_source.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <algorithm>
#include <stdexcept>

namespace pipeline_exporter {

using namespace sqlite_api;  // SOCI's copy of the sqlite3 API

namespace {

// batch_start's requestPayload carries small JSON metadata; anything longer is not
// metadata and is not read.
constexpr int kMetadataCap = 1024;
// Error messages go to the live stream; the page shows at most this much inline.
constexpr int kErrorCap = 500;

std::optional<std::string> Text(const std::string& v, soci::indicator ind) {
  if (ind != soci::i_ok) return std::nullopt;
  return v;
}

std::optional<std::int64_t> Int(long long v, soci::indicator ind) {
  if (ind != soci::i_ok) return std::nullopt;
  return v;
}

}  // namespace

SociEventSource::SociEventSource(std::string connect_string, std::string table)
    : connect_string_(std::move(connect_string)), table_(std::move(table)) {
  connect_string_ = CheckedConnectString(connect_string_, table_, &dialect_);
  select_sql_ =
      "SELECT id, batchId, stage, eventType, fileName, gpuIp, totalFiles, processedFiles, "
      "failedFiles, durationMs, " +
      EpochMillisOf(dialect_, "timestamp") +
      ", CASE WHEN eventType = 'batch_start' THEN SUBSTR(requestPayload, 1, " +
      std::to_string(kMetadataCap) + ") END, SUBSTR(errorMessage, 1, " + std::to_string(kErrorCap) +
      ") FROM " + table_ + " WHERE ";
  // One round trip for the clock and for spotting a truncated or recreated table.
  now_sql_ = "SELECT " + NowEpochMillis(dialect_) + ", (SELECT MAX(id) FROM " + table_ + ")";
}

SociEventSource::~SociEventSource() { DropStatements(); }

void SociEventSource::ReadClock(soci::session& sql, FetchResult& result) {
  long long now = 0;
  long long max_id = 0;
  soci::indicator max_i = soci::i_null;
  sql << now_sql_, soci::into(now), soci::into(max_id, max_i);
  result.db_now_ms = now;
  result.max_id = max_i == soci::i_ok ? max_id : 0;
}

// The tail query on a server database with the vectors SOCI fetches into. Prepared once
// and executed with new parameter values on every poll: PostgreSQL then parses and plans
// it once per session instead of preparing and deallocating it (two more round trips)
// each poll.
struct SociEventSource::TailStatement {
  TailStatement(soci::session& sql, const std::string& query) : st(sql) {
    Size(2);
    st.alloc();
    st.prepare(query);
    st.exchange(soci::into(id));
    st.exchange(soci::into(batch));
    st.exchange(soci::into(stage, stage_i));
    st.exchange(soci::into(type));
    st.exchange(soci::into(file, file_i));
    st.exchange(soci::into(gpu, gpu_i));
    st.exchange(soci::into(total, total_i));
    st.exchange(soci::into(processed, processed_i));
    st.exchange(soci::into(failed, failed_i));
    st.exchange(soci::into(duration, duration_i));
    st.exchange(soci::into(ts, ts_i));
    st.exchange(soci::into(meta, meta_i));
    st.exchange(soci::into(error, error_i));
    st.exchange(soci::use(after));
    st.exchange(soci::use(lim));
    st.define_and_bind();
  }

  // SOCI fetches as many rows as the vectors are long (and shrinks them to what came).
  void Size(std::size_t n) {
    for (auto* v : {&id, &batch, &total, &processed, &failed, &duration, &ts}) v->resize(n);
    for (auto* v : {&stage, &type, &file, &gpu, &meta, &error}) v->resize(n);
    for (auto* v : {&stage_i, &file_i, &gpu_i, &total_i, &processed_i, &failed_i, &duration_i,
                    &ts_i, &meta_i, &error_i}) {
      v->resize(n);
    }
  }

  void Run(std::int64_t after_id, std::size_t limit, std::vector<StageEvent>& out) {
    // LIMIT caps the rows; SOCI's bulk fetch misbehaves with vectors of one element.
    Size(std::max<std::size_t>(limit, 2));
    after = after_id;
    lim = static_cast<long long>(limit);
    if (!st.execute(true)) return;
    const std::size_t n = id.size();
    out.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      StageEvent& e = out[i];
      e.id = id[i];
      e.batch_id = batch[i];
      if (stage_i[i] == soci::i_ok) e.stage = std::move(stage[i]);
      e.event_type = std::move(type[i]);
      e.file_name = Text(file[i], file_i[i]);
      e.gpu_ip = Text(gpu[i], gpu_i[i]);
      e.total_files = Int(total[i], total_i[i]);
      e.processed_files = Int(processed[i], processed_i[i]);
      e.failed_files = Int(failed[i], failed_i[i]);
      e.duration_ms = Int(duration[i], duration_i[i]);
      e.timestamp_ms = ts_i[i] == soci::i_ok ? ts[i] : 0;
      e.batch_metadata = Text(meta[i], meta_i[i]);
      e.error_message = Text(error[i], error_i[i]);
    }
  }

  long long after = 0;
  long long lim = 0;
  std::vector<long long> id, batch, total, processed, failed, duration, ts;
  std::vector<std::string> stage, type, file, gpu, meta, error;
  std::vector<soci::indicator> stage_i, file_i, gpu_i, total_i, processed_i, failed_i, duration_i,
      ts_i, meta_i, error_i;
  soci::statement st;
};

void SociEventSource::DropStatements() {
  if (sqlite_fetch_) sqlite3_finalize(sqlite_fetch_);
  sqlite_fetch_ = nullptr;
  tail_.reset();
}

soci::session& SociEventSource::Session() {
  if (!session_) session_ = std::make_unique<soci::session>(connect_string_);
  return *session_;
}

// A failed statement may leave the connection unusable (server restarted, network cut):
// drop it, so the next call reconnects.
template <typename F>
auto SociEventSource::Guarded(F&& f) {
  try {
    return f(Session());
  } catch (...) {
    DropStatements();
    session_.reset();
    throw;
  }
}

namespace {

std::optional<std::string> SqliteText(sqlite3_stmt* st, int col) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return std::nullopt;
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, col));
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st, col)));
}

std::optional<std::int64_t> SqliteInt(sqlite3_stmt* st, int col) {
  if (sqlite3_column_type(st, col) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(st, col);
}

}  // namespace

FetchResult SociEventSource::FetchSqlite(std::int64_t after_id,
                                         const std::vector<std::int64_t>& also_ids,
                                         std::size_t limit) {
  return Guarded([&](soci::session& sql) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    sqlite3* db = backend->conn_;
    auto fail = [db](const char* what) {
      throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
    };
    std::string where = "id > ?1";
    if (!also_ids.empty()) {
      where = "(id > ?1 OR id IN (";
      for (std::size_t i = 0; i < also_ids.size(); ++i) {
        where += (i ? "," : "") + std::to_string(also_ids[i]);
      }
      where += "))";
    }
    sqlite3_stmt* st = nullptr;
    const bool cached = also_ids.empty();
    if (cached && sqlite_fetch_) {
      st = sqlite_fetch_;
    } else {
      const std::string q = select_sql_ + where + " ORDER BY id LIMIT ?2";
      if (sqlite3_prepare_v2(db, q.c_str(), static_cast<int>(q.size()), &st, nullptr) !=
          SQLITE_OK) {
        fail("preparing the tail query");
      }
      if (cached) sqlite_fetch_ = st;
    }
    struct Reset {
      sqlite3_stmt* st;
      bool cached;
      ~Reset() {
        if (cached) {
          sqlite3_reset(st);
        } else {
          sqlite3_finalize(st);
        }
      }
    } reset{st, cached};
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int64(st, 2, static_cast<sqlite3_int64>(limit));
    FetchResult result;
    result.events.reserve(limit);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      StageEvent& e = result.events.emplace_back();
      e.id = sqlite3_column_int64(st, 0);
      e.batch_id = sqlite3_column_int64(st, 1);
      if (auto v = SqliteText(st, 2)) e.stage = std::move(*v);
      e.event_type = SqliteText(st, 3).value_or("");
      e.file_name = SqliteText(st, 4);
      e.gpu_ip = SqliteText(st, 5);
      e.total_files = SqliteInt(st, 6);
      e.processed_files = SqliteInt(st, 7);
      e.failed_files = SqliteInt(st, 8);
      e.duration_ms = SqliteInt(st, 9);
      e.timestamp_ms = SqliteInt(st, 10).value_or(0);
      e.batch_metadata = SqliteText(st, 11);
      e.error_message = SqliteText(st, 12);
    }
    if (rc != SQLITE_DONE) fail("reading the event table");
    ReadClock(sql, result);
    return result;
  });
}

FetchResult SociEventSource::FetchAfter(std::int64_t after_id,
                                        const std::vector<std::int64_t>& also_ids,
                                        std::size_t limit) {
  if (dialect_ == SqlDialect::kSqlite) return FetchSqlite(after_id, also_ids, limit);
  // The ids are integers formatted here, so splicing them cannot inject anything.
  std::string where = "id > :after";
  if (!also_ids.empty()) {
    where = "(" + where + " OR id IN (";
    for (std::size_t i = 0; i < also_ids.size(); ++i) {
      where += (i ? "," : "") + std::to_string(also_ids[i]);
    }
    where += "))";
  }
  return Guarded([&](soci::session& sql) {
    FetchResult result;
    if (also_ids.empty()) {
      if (!tail_) {
        tail_ =
            std::make_unique<TailStatement>(sql, select_sql_ + where + " ORDER BY id LIMIT :lim");
      }
      tail_->Run(after_id, limit, result.events);
    } else {
      // Gap ids change from poll to poll: this query is prepared for one use.
      TailStatement once(sql, select_sql_ + where + " ORDER BY id LIMIT :lim");
      once.Run(after_id, limit, result.events);
    }
    ReadClock(sql, result);
    return result;
  });
}

std::int64_t SociEventSource::StartAfterId(std::int64_t cutoff_ms) {
  return Guarded([&](soci::session& sql) -> std::int64_t {
    long long cutoff = cutoff_ms;
    // Usually the whole log is inside the window: then the oldest row says so, and the
    // scan below (which reads every timestamp) is not needed.
    long long oldest_id = 0, oldest_ts = 0;
    soci::indicator oldest_i = soci::i_null, oldest_ts_i = soci::i_null;
    sql << "SELECT id, " + EpochMillisOf(dialect_, "timestamp") + " FROM " + table_ +
               " WHERE id = (SELECT MIN(id) FROM " + table_ + ")",
        soci::into(oldest_id, oldest_i), soci::into(oldest_ts, oldest_ts_i);
    if (oldest_i == soci::i_ok && oldest_ts_i == soci::i_ok && oldest_ts >= cutoff) {
      return oldest_id - 1;
    }
    long long first_recent = 0;
    soci::indicator first_i = soci::i_null;
    sql << "SELECT MIN(id) FROM " + table_ + " WHERE " + EpochMillisOf(dialect_, "timestamp") +
               " >= :cutoff",
        soci::use(cutoff), soci::into(first_recent, first_i);
    if (first_i != soci::i_ok) {
      long long max_id = 0;
      soci::indicator max_i = soci::i_null;
      sql << "SELECT MAX(id) FROM " + table_, soci::into(max_id, max_i);
      return max_i == soci::i_ok ? max_id : 0;
    }
    // Start at the first event of every batch still active in the window, so a batch that
    // began before the cutoff is not replayed from its middle.
    long long start = first_recent;
    soci::indicator start_i = soci::i_null;
    sql << "SELECT MIN(id) FROM " + table_ + " WHERE batchId IN (SELECT batchId FROM " + table_ +
               " WHERE id >= :first)",
        soci::use(first_recent), soci::into(start, start_i);
    if (start_i != soci::i_ok) start = first_recent;
    return std::min(start, first_recent) - 1;
  });
}

}  // namespace pipeline_exporter
