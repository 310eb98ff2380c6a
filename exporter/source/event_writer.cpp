#include "exporter/source/event_writer.h"

#include <soci/soci.h>

#include <stdexcept>

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

}  // namespace

EventWriter::EventWriter(std::string connect_string, std::string table)
    : connect_string_(std::move(connect_string)), table_(std::move(table)) {
  connect_string_ = CheckedConnectString(connect_string_, table_, &dialect_);
  insert_sql_ = "INSERT INTO " + table_ +
                " (batchId, stage, eventType, fileName, gpuIp, totalFiles, processedFiles, "
                "failedFiles, durationMs, requestPayload, response, errorMessage) VALUES (:b, "
                ":s, :t, :f, :g, :tf, :pf, :ff, :d, :rq, :rs, :e)";
  if (dialect_ == SqlDialect::kPostgresql) insert_sql_ += " RETURNING id";
}

EventWriter::~EventWriter() = default;

soci::session& EventWriter::Session() {
  if (!session_) session_ = std::make_unique<soci::session>(connect_string_);
  return *session_;
}

std::vector<std::int64_t> EventWriter::Insert(const std::vector<EventRow>& rows) {
  std::vector<std::int64_t> ids;
  ids.reserve(rows.size());
  try {
    soci::session& sql = Session();
    soci::transaction tx(sql);
    for (const EventRow& r : rows) {
      long long batch = r.batch_id;
      std::string type = r.event_type;
      Nullable<std::string> stage(r.stage), file(r.file_name), gpu(r.gpu_ip),
          request(r.request_payload), response(r.response), error(r.error_message);
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
      const bool returning = dialect_ == SqlDialect::kPostgresql;
      if (returning) st.exchange(soci::into(id));
      st.alloc();
      st.prepare(insert_sql_);
      st.define_and_bind();
      st.execute(true);
      if (!returning && !sql.get_last_insert_id(table_, id)) {
        throw std::runtime_error("the database returned no id for the inserted row");
      }
      ids.push_back(id);
    }
    tx.commit();
  } catch (...) {
    session_.reset();
    throw;
  }
  return ids;
}

std::int64_t EventWriter::MaxBatchId() {
  try {
    long long max_id = 0;
    soci::indicator ind = soci::i_null;
    Session() << "SELECT MAX(batchId) FROM " + table_, soci::into(max_id, ind);
    return ind == soci::i_ok ? max_id : 0;
  } catch (...) {
    session_.reset();
    throw;
  }
}

}  // namespace pipeline_exporter
