#include "exporter/source/event_columns.h"

namespace pipeline_exporter {
namespace {

// A NULL of the column's type: SOCI's MySQL backend cannot type a bare NULL column.
std::string NullText(SqlDialect dialect) {
  switch (dialect) {
    case SqlDialect::kMysql:
      return "CAST(NULL AS CHAR(64))";
    case SqlDialect::kPostgresql:
      return "CAST(NULL AS VARCHAR(64))";
    default:
      return "NULL";
  }
}

}  // namespace

std::string EventColumns(SqlDialect dialect, RowShape shape, bool sub_stage) {
  std::string columns =
      "id, batchId, stage, eventType, fileName, gpuIp, totalFiles, processedFiles, "
      "failedFiles, durationMs, " +
      EpochMillisOf(dialect, "timestamp") +
      ", CASE WHEN eventType = 'batch_start' THEN SUBSTR(requestPayload, 1, " +
      std::to_string(kMetadataCap) + ") END, SUBSTR(errorMessage, 1, " +
      std::to_string(kListErrorCap) + "), " + (sub_stage ? "subStage" : NullText(dialect));
  if (shape == RowShape::kWithPayloads) {
    const std::string cap = std::to_string(kPayloadCap);
    for (const char* column : {"requestPayload", "response", "errorMessage"}) {
      columns += ", SUBSTR(" + std::string(column) + ", 1, " + cap + "), LENGTH(" + column + ")";
    }
  }
  return columns;
}

}  // namespace pipeline_exporter
