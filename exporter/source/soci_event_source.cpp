#include "exporter/source/soci_event_source.h"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <stdexcept>

#include "exporter/source/event_columns.h"
#include "exporter/source/event_row_mapper.h"

namespace pipeline_exporter {

using namespace sqlite_api;  // SOCI's copy of the sqlite3 API

namespace {

// MapEventRow's cells over a SQLite statement: rows read through the sqlite3 handle SOCI
// holds, skipping SOCI's per-row conversions (replay of a large log is bound by them).
class SqliteCells {
 public:
  explicit SqliteCells(sqlite3_stmt* st) : st_(st) {}
  bool IsNull(std::size_t i) const { return sqlite3_column_type(st_, Col(i)) == SQLITE_NULL; }
  std::int64_t Int(std::size_t i) const { return sqlite3_column_int64(st_, Col(i)); }
  std::string Text(std::size_t i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, Col(i)));
    return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, Col(i))));
  }

 private:
  static int Col(std::size_t i) { return static_cast<int>(i); }
  sqlite3_stmt* st_;
};

// The common tail query (no gap ids), prepared once per session.
struct SqliteTail final : SessionCache {
  ~SqliteTail() override {
    if (st) sqlite3_finalize(st);
  }
  sqlite3_stmt* st = nullptr;
};

struct ServerTail final : SessionCache {
  ServerTail(soci::session& sql, const std::string& query) : st(sql) {
    st.exchange(soci::into(row));
    st.exchange(soci::use(after));
    st.exchange(soci::use(lim));
    st.alloc();
    st.prepare(query);
    st.define_and_bind();
  }
  void Run(std::int64_t after_id, std::size_t limit, std::vector<StageEvent>& out) {
    after = after_id;
    lim = static_cast<long long>(limit);
    if (!st.execute(true)) return;
    do {
      out.push_back(std::move(row));
    } while (st.fetch());
  }
  StageEvent row;
  long long after = 0;
  long long lim = 0;
  soci::statement st;
};

std::string GapWhere(const char* after, const std::vector<std::int64_t>& also_ids) {
  // The ids are integers formatted here, so splicing them cannot inject anything.
  std::string where = std::string("id > ") + after;
  if (also_ids.empty()) return where;
  where = "(" + where + " OR id IN (";
  for (std::size_t i = 0; i < also_ids.size(); ++i) {
    where += (i ? "," : "") + std::to_string(also_ids[i]);
  }
  return where + "))";
}

}  // namespace

SociEventSource::SociEventSource(Database& db) : db_(db) {
  // One round trip for the clock and for spotting a truncated or recreated table.
  now_sql_ =
      "SELECT " + NowEpochMillis(db_.dialect()) + ", (SELECT MAX(id) FROM " + db_.table() + ")";
}

SociEventSource::~SociEventSource() = default;

void SociEventSource::FetchInto(std::int64_t after_id, const std::vector<std::int64_t>& also_ids,
                                std::size_t limit, FetchResult& result) {
  result.events.clear();
  result.db_now_ms.reset();
  result.max_id.reset();
  db_.Run(Database::Role::kTail, [&](soci::session& sql, std::unique_ptr<SessionCache>& cache) {
    // Known once the session is open (Database::Open looked for the subStage column).
    const std::string select_sql =
        "SELECT " + EventColumns(db_.dialect(), RowShape::kList, db_.has_sub_stage()) + " FROM " +
        db_.table() + " WHERE ";
    if (db_.dialect() == SqlDialect::kSqlite) {
      auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
      sqlite3* db = backend->conn_;
      auto fail = [db](const char* what) {
        throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
      };
      const bool cached = also_ids.empty();
      SqliteTail once;
      SqliteTail* tail = &once;
      if (cached) {
        if (!cache) cache = std::make_unique<SqliteTail>();
        tail = static_cast<SqliteTail*>(cache.get());
      }
      if (!tail->st) {
        const std::string q = select_sql + GapWhere("?1", also_ids) + " ORDER BY id LIMIT ?2";
        if (sqlite3_prepare_v2(db, q.c_str(), static_cast<int>(q.size()), &tail->st, nullptr) !=
            SQLITE_OK) {
          fail("preparing the tail query");
        }
      }
      struct Reset {
        sqlite3_stmt* st;
        ~Reset() { sqlite3_reset(st); }
      } reset{tail->st};
      sqlite3_bind_int64(tail->st, 1, after_id);
      sqlite3_bind_int64(tail->st, 2, static_cast<sqlite3_int64>(limit));
      result.events.reserve(limit);
      int rc;
      while ((rc = sqlite3_step(tail->st)) == SQLITE_ROW) {
        result.events.push_back(MapEventRow(SqliteCells(tail->st), kListColumnCount));
      }
      if (rc != SQLITE_DONE) fail("reading the event table");
    } else {
      const std::string q = select_sql + GapWhere(":after", also_ids) + " ORDER BY id LIMIT :lim";
      if (also_ids.empty()) {
        // Prepared once per session: PostgreSQL then parses and plans it once.
        if (!cache) cache = std::make_unique<ServerTail>(sql, q);
        static_cast<ServerTail*>(cache.get())->Run(after_id, limit, result.events);
      } else {
        // Gap ids change from poll to poll: this query is prepared for one use.
        ServerTail once(sql, q);
        once.Run(after_id, limit, result.events);
      }
    }
    // The database's clock and MAX(id), read after every fetch (lag, gaps, id regression).
    long long now = 0;
    long long max_id = 0;
    soci::indicator max_i = soci::i_null;
    sql << now_sql_, soci::into(now), soci::into(max_id, max_i);
    result.db_now_ms = now;
    result.max_id = max_i == soci::i_ok ? max_id : 0;
  });
}

std::int64_t SociEventSource::StartAfterId(std::int64_t cutoff_ms) {
  return db_.With(Database::Role::kTail, [&](soci::session& sql) -> std::int64_t {
    const std::string& t = db_.table();
    const std::string ts = EpochMillisOf(db_.dialect(), "timestamp");
    long long cutoff = cutoff_ms;
    // Usually the whole log is inside the window: then the oldest row says so, and the
    // scan below (which reads every timestamp) is not needed.
    long long oldest_id = 0, oldest_ts = 0;
    soci::indicator oldest_i = soci::i_null, oldest_ts_i = soci::i_null;
    sql << "SELECT id, " + ts + " FROM " + t + " WHERE id = (SELECT MIN(id) FROM " + t + ")",
        soci::into(oldest_id, oldest_i), soci::into(oldest_ts, oldest_ts_i);
    if (oldest_i == soci::i_ok && oldest_ts_i == soci::i_ok && oldest_ts >= cutoff) {
      return oldest_id - 1;
    }
    long long first_recent = 0;
    soci::indicator first_i = soci::i_null;
    sql << "SELECT MIN(id) FROM " + t + " WHERE " + ts + " >= :cutoff", soci::use(cutoff),
        soci::into(first_recent, first_i);
    if (first_i == soci::i_ok) return first_recent - 1;
    long long max_id = 0;
    soci::indicator max_i = soci::i_null;
    sql << "SELECT MAX(id) FROM " + t, soci::into(max_id, max_i);
    return max_i == soci::i_ok ? max_id : 0;
  });
}

}  // namespace pipeline_exporter
