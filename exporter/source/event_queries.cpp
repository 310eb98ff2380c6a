#include "exporter/source/event_queries.h"

#include <soci/soci.h>

#include <deque>
#include <stdexcept>

namespace pipeline_exporter {
namespace {

constexpr int kLogErrorCap = 2000;

// Backends report column types differently (SQLite by declared type, MySQL's SUM as
// DECIMAL, PostgreSQL's numeric): read integers and text whatever the type.
std::optional<std::int64_t> Int(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  switch (r.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return r.get<int>(i);
    case soci::dt_long_long:
      return r.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return static_cast<std::int64_t>(r.get<unsigned long long>(i));
    case soci::dt_double:
      return static_cast<std::int64_t>(r.get<double>(i));
    case soci::dt_string: {
      const std::string s = r.get<std::string>(i);
      try {
        return static_cast<std::int64_t>(std::stoll(s));
      } catch (...) {
        return std::nullopt;
      }
    }
    default:
      return std::nullopt;
  }
}

std::optional<std::string> Text(const soci::row& r, std::size_t i) {
  if (r.get_indicator(i) == soci::i_null) return std::nullopt;
  if (r.get_properties(i).get_data_type() == soci::dt_string) return r.get<std::string>(i);
  if (auto v = Int(r, i)) return std::to_string(*v);
  return std::nullopt;
}

// Reads the columns of EventQueries::columns_ starting at `at`.
LogRow ReadLogRow(const soci::row& r, std::size_t at = 0) {
  LogRow out;
  StageEvent& e = out.event;
  e.id = Int(r, at + 0).value_or(0);
  e.batch_id = Int(r, at + 1).value_or(0);
  e.stage = Text(r, at + 2).value_or("");
  e.event_type = Text(r, at + 3).value_or("");
  e.file_name = Text(r, at + 4);
  e.gpu_ip = Text(r, at + 5);
  e.total_files = Int(r, at + 6);
  e.processed_files = Int(r, at + 7);
  e.failed_files = Int(r, at + 8);
  e.duration_ms = Int(r, at + 9);
  e.timestamp_ms = Int(r, at + 10).value_or(0);
  out.error_message = Text(r, at + 11);
  e.batch_metadata = Text(r, at + 12);
  return out;
}

constexpr std::size_t kLogColumns = 13;

std::optional<CappedText> Capped(const soci::row& r, std::size_t text_at, std::size_t cap) {
  auto text = Text(r, text_at);
  if (!text) return std::nullopt;
  CappedText c;
  c.text = std::move(*text);
  c.length = static_cast<std::size_t>(Int(r, text_at + 1).value_or(0));
  c.truncated = c.length > cap;
  return c;
}

// LIKE pattern for a case-insensitive substring search, with '!' as the escape character.
std::string ContainsPattern(const std::string& q) {
  std::string out = "%";
  for (char c : q) {
    const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == '%' || lower == '_' || lower == '!') out += '!';
    out += lower;
  }
  return out + "%";
}

}  // namespace

EventQueries::EventQueries(std::string connect_string, std::string table)
    : connect_string_(std::move(connect_string)), table_(std::move(table)) {
  connect_string_ = CheckedConnectString(connect_string_, table_, &dialect_);
  columns_ =
      "id, batchId, stage, eventType, fileName, gpuIp, totalFiles, processedFiles, "
      "failedFiles, durationMs, " +
      EpochMillisOf(dialect_, "timestamp") + ", SUBSTR(errorMessage, 1, " +
      std::to_string(kLogErrorCap) +
      "), CASE WHEN eventType = 'batch_start' THEN SUBSTR(requestPayload, 1, 1024) END";
}

EventQueries::~EventQueries() = default;

template <typename F>
auto EventQueries::Locked(F&& f) {
  std::lock_guard lock(mu_);
  try {
    if (!session_) session_ = std::make_unique<soci::session>(connect_string_);
    return f(*session_);
  } catch (...) {
    session_.reset();
    throw;
  }
}

std::vector<BatchSummary> EventQueries::Batches(std::optional<std::int64_t> before,
                                                std::size_t limit) {
  return Locked([&](soci::session& sql) {
    long long before_v = before.value_or(0);
    long long lim = static_cast<long long>(limit);
    std::vector<long long> ids;
    {
      const std::string q = "SELECT DISTINCT batchId FROM " + table_ +
                            (before ? " WHERE batchId < :before" : "") +
                            " ORDER BY batchId DESC LIMIT :lim";
      soci::rowset<soci::row> rs =
          before ? (sql.prepare << q, soci::use(before_v, "before"), soci::use(lim, "lim"))
                 : (sql.prepare << q, soci::use(lim, "lim"));
      for (const auto& r : rs) ids.push_back(Int(r, 0).value_or(0));
    }
    std::vector<BatchSummary> out;
    if (ids.empty()) return out;
    std::string in;
    for (auto id : ids) in += (in.empty() ? "" : ",") + std::to_string(id);
    const std::string ts = EpochMillisOf(dialect_, "timestamp");
    const std::string q =
        "SELECT batchId, MIN(id), MIN(" + ts + "), MAX(" + ts +
        "), COUNT(*), SUM(CASE WHEN eventType = 'file_complete' THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN eventType = 'error' THEN 1 ELSE 0 END), "
        "MAX(CASE WHEN eventType = 'batch_start' THEN totalFiles END), "
        "MAX(CASE WHEN eventType = 'batch_failed' THEN 1 ELSE 0 END), "
        "MAX(CASE WHEN eventType = 'batch_complete' THEN 1 ELSE 0 END) FROM " +
        table_ + " WHERE batchId IN (" + in + ") GROUP BY batchId ORDER BY batchId DESC";
    soci::rowset<soci::row> rs = (sql.prepare << q);
    for (const auto& r : rs) {
      BatchSummary b;
      b.batch_id = Int(r, 0).value_or(0);
      b.first_event_id = Int(r, 1).value_or(0);
      b.start_ms = Int(r, 2).value_or(0);
      b.last_event_ms = Int(r, 3).value_or(0);
      b.events = Int(r, 4).value_or(0);
      b.files_completed = Int(r, 5).value_or(0);
      b.errors = Int(r, 6).value_or(0);
      b.total_files = Int(r, 7);
      b.status = Int(r, 8).value_or(0) ? "failed" : Int(r, 9).value_or(0) ? "complete" : "running";
      out.push_back(std::move(b));
    }
    return out;
  });
}

std::vector<StageEvent> EventQueries::BatchEvents(std::int64_t batch_id) {
  return Locked([&](soci::session& sql) {
    long long b = batch_id;
    std::vector<StageEvent> out;
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT " + columns_ + " FROM " + table_ +
                                                     " WHERE batchId = :b ORDER BY id",
                                  soci::use(b, "b"));
    for (const auto& r : rs) out.push_back(ReadLogRow(r).event);
    return out;
  });
}

std::vector<LogRow> EventQueries::Logs(const LogFilter& f) {
  return Locked([&](soci::session& sql) {
    long long batch = f.batch_id;
    long long before = f.before_id.value_or(0);
    long long lim = static_cast<long long>(f.limit);
    std::string stage = f.stage.value_or("");
    std::string type = f.event_type.value_or("");
    std::string pattern = f.search ? ContainsPattern(*f.search) : "";
    std::string q = "SELECT " + columns_ + " FROM " + table_ + " WHERE batchId = :batch";
    if (f.stage) q += " AND stage = :stage";
    if (f.event_type) q += " AND eventType = :type";
    if (f.search) {
      q += " AND (LOWER(fileName) LIKE :pattern ESCAPE '!' OR LOWER(errorMessage) LIKE :pattern2 "
           "ESCAPE '!')";
    }
    if (f.before_id) q += " AND id < :before";
    q += " ORDER BY id DESC LIMIT :lim";
    std::string pattern2 = pattern;
    soci::details::prepare_temp_type p = (sql.prepare << q, soci::use(batch, "batch"));
    if (f.stage) p, soci::use(stage, "stage");
    if (f.event_type) p, soci::use(type, "type");
    if (f.search) p, soci::use(pattern, "pattern"), soci::use(pattern2, "pattern2");
    if (f.before_id) p, soci::use(before, "before");
    p, soci::use(lim, "lim");
    soci::rowset<soci::row> rs(p);
    std::vector<LogRow> out;
    for (const auto& r : rs) out.push_back(ReadLogRow(r));
    return out;
  });
}

std::vector<ErrorRow> EventQueries::Errors(std::int64_t batch_id) {
  return Locked([&](soci::session& sql) {
    long long b = batch_id;
    const std::string ts = EpochMillisOf(dialect_, "timestamp");
    soci::rowset<soci::row> rs =
        (sql.prepare << "SELECT COALESCE(stage, ''), COALESCE(errorMessage, ''), COUNT(*), MIN(" +
                            ts + "), MAX(" + ts + "), MIN(id) FROM " + table_ +
                            " WHERE batchId = :b AND eventType IN ('error', 'stage_failed', "
                            "'batch_failed') GROUP BY stage, errorMessage",
         soci::use(b, "b"));
    std::vector<ErrorRow> out;
    for (const auto& r : rs) {
      ErrorRow e;
      e.stage = Text(r, 0).value_or("");
      e.message = Text(r, 1).value_or("");
      e.count = Int(r, 2).value_or(0);
      e.first_ms = Int(r, 3).value_or(0);
      e.last_ms = Int(r, 4).value_or(0);
      e.sample_id = Int(r, 5).value_or(0);
      out.push_back(std::move(e));
    }
    return out;
  });
}

namespace {

std::string FullColumns(const std::string& log_columns, std::size_t cap) {
  const std::string c = std::to_string(cap);
  return log_columns + ", SUBSTR(requestPayload, 1, " + c +
         "), LENGTH(requestPayload), SUBSTR(response, 1, " + c +
         "), LENGTH(response), SUBSTR(errorMessage, 1, " + c + "), LENGTH(errorMessage)";
}

FullEvent ReadFull(const soci::row& r, std::size_t cap) {
  FullEvent f;
  f.row = ReadLogRow(r);
  f.request_payload = Capped(r, kLogColumns, cap);
  f.response = Capped(r, kLogColumns + 2, cap);
  f.error_message = Capped(r, kLogColumns + 4, cap);
  return f;
}

}  // namespace

std::optional<FullEvent> EventQueries::Event(std::int64_t id, std::size_t cap) {
  return Locked([&](soci::session& sql) -> std::optional<FullEvent> {
    long long i = id;
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT " + FullColumns(columns_, cap) + " FROM " +
                                                     table_ + " WHERE id = :id",
                                  soci::use(i, "id"));
    for (const auto& r : rs) return ReadFull(r, cap);
    return std::nullopt;
  });
}

std::vector<FullEvent> EventQueries::ExportBatch(std::int64_t batch_id, std::size_t cap) {
  return Locked([&](soci::session& sql) {
    long long b = batch_id;
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT " + FullColumns(columns_, cap) + " FROM " +
                                                     table_ + " WHERE batchId = :b ORDER BY id",
                                  soci::use(b, "b"));
    std::vector<FullEvent> out;
    for (const auto& r : rs) out.push_back(ReadFull(r, cap));
    return out;
  });
}

std::vector<LogRow> EventQueries::EventsAfter(std::int64_t after_id, std::size_t limit) {
  return Locked([&](soci::session& sql) {
    long long after = after_id;
    long long lim = static_cast<long long>(limit);
    soci::rowset<soci::row> rs = (sql.prepare << "SELECT " + columns_ + " FROM " + table_ +
                                                     " WHERE id > :after ORDER BY id LIMIT :lim",
                                  soci::use(after, "after"), soci::use(lim, "lim"));
    std::vector<LogRow> out;
    for (const auto& r : rs) out.push_back(ReadLogRow(r));
    return out;
  });
}

}  // namespace pipeline_exporter
