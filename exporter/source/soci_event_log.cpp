#include "exporter/source/soci_event_log.h"

#include <soci/soci.h>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "exporter/source/event_columns.h"
#include "exporter/source/event_row_mapper.h"

namespace pipeline_exporter {
namespace {

// SOCI binds a value and its indicator together; NULL is "indicator i_null".
template <typename T>
struct Nullable {
  explicit Nullable(const std::optional<T>& v)
      : value(v.value_or(T{})), ind(v ? soci::i_ok : soci::i_null) {}
  T value;
  soci::indicator ind;
};

Nullable<std::string> NullableText(const std::optional<CappedText>& t) {
  return Nullable<std::string>(t ? std::optional<std::string>(t->text) : std::nullopt);
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

std::optional<long long> OneId(soci::session& sql, const std::string& q, long long a, long long b) {
  long long out = 0;
  soci::indicator ind = soci::i_null;
  sql << q, soci::use(a, "a"), soci::use(b, "b"), soci::into(out, ind);
  if (ind != soci::i_ok) return std::nullopt;
  return out;
}

// One row of the control table, as selected by control_columns_.
ControlRequest MapControlRow(const soci::values& v) {
  const SociValuesCells c(v);
  ControlRequest r;
  r.id = c.Int(0);
  r.batch_id = c.Int(1);
  const auto action = ParseControlAction(c.IsNull(2) ? "" : c.Text(2));
  if (!action) throw std::runtime_error("a control row with an unknown action");
  r.action = *action;
  r.requested_by = c.IsNull(3) ? "" : c.Text(3);
  r.reason = c.IsNull(4) ? "" : c.Text(4);
  r.requested_at_ms = c.IsNull(5) ? 0 : c.Int(5);
  if (v.get_number_of_columns() > 6) r.requested_from = c.IsNull(6) ? "" : c.Text(6);
  return r;
}

}  // namespace
}  // namespace pipeline_exporter

namespace soci {

// soci::rowset<ControlRequest> over a query selecting the control columns.
template <>
struct type_conversion<pipeline_exporter::ControlRequest> {
  using base_type = values;
  static void from_base(const values& v, indicator, pipeline_exporter::ControlRequest& out) {
    out = pipeline_exporter::MapControlRow(v);
  }
  static void to_base(const pipeline_exporter::ControlRequest&, values&, indicator&) {}
};

}  // namespace soci

namespace pipeline_exporter {

SociEventLog::SociEventLog(Database& db, std::string control_table)
    : db_(db), control_table_(std::move(control_table)) {
  if (!IsPlainIdentifier(control_table_)) {
    throw std::invalid_argument("invalid control table name: " + control_table_);
  }
  control_columns_ =
      "id, batchId, action, requestedBy, reason, " + EpochMillisOf(db_.dialect(), "requestedAt");
}

bool SociEventLog::HasRequestedFrom(soci::session& sql, bool ask_again) {
  const int known = requested_from_.load();
  if (known == kYes || (known == kNo && !ask_again)) return known == kYes;
  bool has = true;
  try {
    sql << "SELECT requestedFrom FROM " + control_table_ + " WHERE 1 = 0";
  } catch (const std::exception&) {
    has = false;  // a control table before migration 004
  }
  requested_from_ = has ? kYes : kNo;
  return has;
}

std::string SociEventLog::ControlColumns(bool requested_from) const {
  return requested_from ? control_columns_ + ", requestedFrom" : control_columns_;
}

std::string SociEventLog::Columns(RowShape shape) const {
  return EventColumns(db_.dialect(), shape, db_.has_sub_stage());
}

std::string SociEventLog::InsertSql() const {
  const bool sub_stage = db_.has_sub_stage();
  std::string q = "INSERT INTO " + db_.table() +
                  " (batchId, stage, eventType, fileName, gpuIp, totalFiles, processedFiles, "
                  "failedFiles, durationMs, requestPayload, response, errorMessage" +
                  (sub_stage ? ", subStage" : "") +
                  ") VALUES (:b, :s, :t, :f, :g, :tf, :pf, :ff, :d, :rq, :rs, :e" +
                  (sub_stage ? ", :ss" : "") + ")";
  if (db_.dialect() == SqlDialect::kPostgresql) q += " RETURNING id";
  return q;
}

std::vector<StageEvent> SociEventLog::ReadRun(const RunPage& page) {
  const std::string& t = db_.table();
  return db_.With(Database::Role::kQuery, [&](soci::session& sql) {
    std::vector<StageEvent> out;
    const long long batch = page.batch_id;
    const long long before =
        page.before_id > 0 ? page.before_id : std::numeric_limits<long long>::max();
    long long from = page.after_id + 1;
    if (page.after_id <= 0) {
      // The latest run starts at the first batch_start after the last outcome that precedes
      // the last batch_start; with no such outcome, at the batch's first row (SPEC §3).
      const auto first =
          OneId(sql, "SELECT MIN(id) FROM " + t + " WHERE batchId = :a AND id < :b", batch, before);
      if (!first) return out;
      from = *first;
      const auto last_start = OneId(sql,
                                    "SELECT MAX(id) FROM " + t +
                                        " WHERE batchId = :a AND id < :b AND eventType = "
                                        "'batch_start'",
                                    batch, before);
      if (last_start) {
        const auto outcome = OneId(sql,
                                   "SELECT MAX(id) FROM " + t +
                                       " WHERE batchId = :a AND id < :b AND eventType IN "
                                       "('batch_complete', 'batch_failed')",
                                   batch, *last_start);
        if (outcome) {
          from = OneId(sql,
                       "SELECT MIN(id) FROM " + t +
                           " WHERE batchId = :a AND id > :b AND eventType = 'batch_start'",
                       batch, *outcome)
                     .value_or(*last_start);
        }
      }
    }
    long long lim = static_cast<long long>(page.limit);
    const std::string& columns = Columns(page.payloads ? RowShape::kWithPayloads : RowShape::kList);
    soci::rowset<StageEvent> rs =
        (sql.prepare << "SELECT " + columns + " FROM " + t +
                            " WHERE batchId = :b AND id >= :f AND id < :e ORDER BY id LIMIT :l",
         soci::use(batch, "b"), soci::use(from, "f"), soci::use(before, "e"), soci::use(lim, "l"));
    for (auto& e : rs) out.push_back(std::move(e));
    return out;
  });
}

std::optional<StageEvent> SociEventLog::FindEvent(std::int64_t id) {
  return db_.With(Database::Role::kQuery, [&](soci::session& sql) -> std::optional<StageEvent> {
    long long i = id;
    soci::rowset<StageEvent> rs = (sql.prepare << "SELECT " + Columns(RowShape::kWithPayloads) +
                                                      " FROM " + db_.table() + " WHERE id = :id",
                                   soci::use(i, "id"));
    for (auto& e : rs) return std::move(e);
    return std::nullopt;
  });
}

LogPage SociEventLog::Search(const LogFilter& f) {
  return db_.With(Database::Role::kQuery, [&](soci::session& sql) {
    LogPage page;
    long long batch = f.batch_id;
    long long before = f.before_id.value_or(std::numeric_limits<long long>::max());
    long long lim = static_cast<long long>(f.limit);
    std::string stage = f.stage.value_or("");
    const std::string where = " WHERE batchId = :batch" +
                              std::string(f.stage ? " AND stage = :stage" : "") +
                              " AND id < :before";
    // A type or text filter is checked row by row: bound the rows it looks at by finding,
    // through the (batchId, id) or (batchId, stage, id) index, the lowest id of the newest
    // `max_scan` rows.
    long long floor = 0;
    if (f.max_scan > 0 && (f.search || !f.event_types.empty())) {
      long long offset = static_cast<long long>(f.max_scan) - 1;
      soci::indicator ind = soci::i_null;
      soci::details::prepare_temp_type p =
          (sql.prepare << "SELECT id FROM " + db_.table() + where +
                              " ORDER BY id DESC LIMIT 1 OFFSET :offset",
           soci::use(batch, "batch"));
      if (f.stage) p, soci::use(stage, "stage");
      p, soci::use(before, "before"), soci::use(offset, "offset"), soci::into(floor, ind);
      soci::statement st(p);
      st.execute(true);
      if (ind == soci::i_ok) {
        page.scanned_from = floor;
      } else {
        floor = 0;
      }
    }
    std::string pattern = f.search ? ContainsPattern(*f.search) : "";
    std::string pattern2 = pattern;
    const auto select = [&](std::vector<std::string> types) {
      std::string q = "SELECT " + Columns(RowShape::kList) + " FROM " + db_.table() + where +
                      " AND id >= :floor";
      if (!types.empty()) {
        q += " AND eventType IN (";
        for (std::size_t i = 0; i < types.size(); ++i) {
          q += (i ? ", :type" : ":type") + std::to_string(i);
        }
        q += ")";
      }
      if (f.search) {
        q += " AND (LOWER(fileName) LIKE :pattern ESCAPE '!' OR LOWER(errorMessage) LIKE "
             ":pattern2 ESCAPE '!')";
      }
      q += " ORDER BY id DESC LIMIT :lim";
      soci::details::prepare_temp_type p = (sql.prepare << q, soci::use(batch, "batch"));
      if (f.stage) p, soci::use(stage, "stage");
      p, soci::use(before, "before"), soci::use(floor, "floor");
      for (std::size_t i = 0; i < types.size(); ++i)
        p, soci::use(types[i], "type" + std::to_string(i));
      if (f.search) p, soci::use(pattern, "pattern"), soci::use(pattern2, "pattern2");
      p, soci::use(lim, "lim");
      soci::rowset<StageEvent> rs(p);
      for (auto& e : rs) page.events.push_back(std::move(e));
    };
    if (f.event_types.size() > 1 && !f.search) {
      // One query per type, each walking migration 004's (batchId, eventType, id) index newest
      // first; the newest `lim` of their union are the answer. An IN over several types can
      // use neither index for the order, and walked the whole batch when the types are rare
      // (a batch's errors): 909 → 5 ms on 800,000 rows (README, Benchmarks).
      for (const auto& type : f.event_types) select({type});
      std::sort(page.events.begin(), page.events.end(),
                [](const StageEvent& a, const StageEvent& b) { return a.id > b.id; });
      if (page.events.size() > f.limit) page.events.resize(f.limit);
    } else {
      select(f.event_types);
    }
    return page;
  });
}

std::vector<StageEvent> SociEventLog::SelectList(const std::string& where_order_limit,
                                                 std::int64_t id, std::size_t limit) {
  return db_.With(Database::Role::kQuery, [&](soci::session& sql) {
    long long bound = id;
    long long lim = static_cast<long long>(limit);
    soci::rowset<StageEvent> rs = (sql.prepare << "SELECT " + Columns(RowShape::kList) + " FROM " +
                                                      db_.table() + where_order_limit,
                                   soci::use(bound, "id"), soci::use(lim, "lim"));
    std::vector<StageEvent> out;
    for (auto& e : rs) out.push_back(std::move(e));
    return out;
  });
}

std::vector<StageEvent> SociEventLog::ReadAfter(std::int64_t after_id, std::size_t limit) {
  return SelectList(" WHERE id > :id ORDER BY id LIMIT :lim", after_id, limit);
}

std::vector<StageEvent> SociEventLog::ListRunStarts(std::int64_t before_id, std::size_t limit) {
  return SelectList(
      " WHERE id < :id AND (eventType = 'batch_start' OR id IN (SELECT MIN(id) FROM " +
          db_.table() + " GROUP BY batchId)) ORDER BY id DESC LIMIT :lim",
      before_id, limit);
}

std::vector<std::int64_t> SociEventLog::Append(const std::vector<StageEvent>& rows) {
  return db_.With(Database::Role::kQuery, [&](soci::session& sql) {
    std::vector<std::int64_t> ids;
    ids.reserve(rows.size());
    soci::transaction tx(sql);
    for (const StageEvent& r : rows) {
      long long batch = r.batch_id;
      std::string type = r.event_type;
      Nullable<std::string> stage(r.stage.empty() ? std::nullopt
                                                  : std::optional<std::string>(r.stage)),
          file(r.file_name), gpu(r.gpu_ip), error(r.error_message), sub_stage(r.sub_stage);
      Nullable<std::string> request = NullableText(r.request_payload),
                            response = NullableText(r.response);
      Nullable<long long> total(r.total_files), processed(r.processed_files),
          failed(r.failed_files), duration(r.duration_ms);
      long long id = 0;
      soci::statement st(sql);
      st.exchange(soci::use(batch));
      st.exchange(soci::use(stage.value, stage.ind));
      st.exchange(soci::use(type));
      st.exchange(soci::use(file.value, file.ind));
      st.exchange(soci::use(gpu.value, gpu.ind));
      st.exchange(soci::use(total.value, total.ind));
      st.exchange(soci::use(processed.value, processed.ind));
      st.exchange(soci::use(failed.value, failed.ind));
      st.exchange(soci::use(duration.value, duration.ind));
      st.exchange(soci::use(request.value, request.ind));
      st.exchange(soci::use(response.value, response.ind));
      st.exchange(soci::use(error.value, error.ind));
      const std::string insert_sql = InsertSql();
      if (db_.has_sub_stage()) st.exchange(soci::use(sub_stage.value, sub_stage.ind));
      const bool returning = db_.dialect() == SqlDialect::kPostgresql;
      if (returning) st.exchange(soci::into(id));
      st.alloc();
      st.prepare(insert_sql);
      st.define_and_bind();
      st.execute(true);
      if (!returning && !sql.get_last_insert_id(db_.table(), id)) {
        throw std::runtime_error("the database returned no id for the inserted row");
      }
      ids.push_back(id);
    }
    tx.commit();
    return ids;
  });
}

std::int64_t SociEventLog::MaxBatchId() {
  return db_.With(Database::Role::kQuery, [&](soci::session& sql) -> std::int64_t {
    long long max_id = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT MAX(batchId) FROM " + db_.table(), soci::into(max_id, ind);
    return ind == soci::i_ok ? max_id : 0;
  });
}

ControlRequest SociEventLog::AppendControl(const ControlRequest& request) {
  return db_.With(Database::Role::kQuery, [&](soci::session& sql) {
    long long batch = request.batch_id;
    std::string action(ControlActionName(request.action));
    std::string by = request.requested_by;
    std::string reason = request.reason;
    std::string from = request.requested_from;
    long long id = 0;
    const bool returning = db_.dialect() == SqlDialect::kPostgresql;
    // Asked before the transaction: a failed statement would end PostgreSQL's.
    const bool with_from = HasRequestedFrom(sql, /*ask_again=*/true);
    soci::transaction tx(sql);
    std::string q = "INSERT INTO " + control_table_ + " (batchId, action, requestedBy, reason" +
                    (with_from ? ", requestedFrom" : "") + ") VALUES (:b, :a, :u, :r" +
                    (with_from ? ", :f" : "") + ")";
    if (returning) q += " RETURNING id";
    soci::statement st(sql);
    st.exchange(soci::use(batch));
    st.exchange(soci::use(action));
    st.exchange(soci::use(by));
    st.exchange(soci::use(reason));
    if (with_from) st.exchange(soci::use(from));
    if (returning) st.exchange(soci::into(id));
    st.alloc();
    st.prepare(q);
    st.define_and_bind();
    st.execute(true);
    if (!returning && !sql.get_last_insert_id(control_table_, id)) {
      throw std::runtime_error("the database returned no id for the control row");
    }
    std::optional<ControlRequest> out;
    soci::rowset<ControlRequest> rs =
        (sql.prepare << "SELECT " + ControlColumns(with_from) + " FROM " + control_table_ +
                            " WHERE id = :id",
         soci::use(id, "id"));
    for (ControlRequest& r : rs) out = std::move(r);
    tx.commit();
    if (!out) throw std::runtime_error("the control row just written was not found");
    return *out;
  });
}

std::vector<ControlRequest> SociEventLog::ReadControlAfter(std::int64_t after_id,
                                                           std::size_t limit) {
  return db_.With(Database::Role::kQuery, [&](soci::session& sql) {
    long long after = after_id;
    long long lim = static_cast<long long>(limit);
    std::vector<ControlRequest> out;
    const bool with_from = HasRequestedFrom(sql, /*ask_again=*/false);
    soci::rowset<ControlRequest> rs =
        (sql.prepare << "SELECT " + ControlColumns(with_from) + " FROM " + control_table_ +
                            " WHERE id > :id ORDER BY id LIMIT :lim",
         soci::use(after, "id"), soci::use(lim, "lim"));
    for (ControlRequest& r : rs) out.push_back(std::move(r));
    return out;
  });
}

}  // namespace pipeline_exporter
