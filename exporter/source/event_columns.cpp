#include "exporter/source/event_columns.h"

namespace pipeline_exporter {
std::string EventColumns(SqlDialect dialect, RowShape shape, bool sub_stage) {
  std::string columns =
      "id, batchId, stage, eventType, fileName, gpuIp, totalFiles, processedFiles, "
      "failedFiles, durationMs, " +
      EpochMillisOf(dialect, "timestamp") +
      ", CASE WHEN eventType = 'batch_start' THEN SUBSTR(requestPayload, 1, " +
      std::to_string(kMetadataCap) + ") END, SUBSTR(errorMessage, 1, " +
      std::to_string(kListErrorCap) + "), " + (sub_stage ? "subStage" : NullTextOf(dialect));
  if (shape == RowShape::kWithPayloads) {
    const std::string cap = std::to_string(kPayloadCap);
    for (const char* column : {"requestPayload", "response", "errorMessage"}) {
      columns += ", SUBSTR(" + std::string(column) + ", 1, " + cap + "), LENGTH(" + column + ")";
    }
  }
  return columns;
}

}  // namespace pipeline_exporter
