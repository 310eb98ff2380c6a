#pragma once
// The one column list of the event log and the one place its text caps are set. Every
// query that reads events selects these columns, in this order, and maps them with
// MapEventRow (event_row_mapper.h). Pure; thread-safe.

#include <cstddef>
#include <string>

#include "exporter/source/sql_dialect.h"

namespace pipeline_exporter {

// batch_start's requestPayload carries small JSON metadata; anything longer is not metadata.
inline constexpr std::size_t kMetadataCap = 1024;
// errorMessage in lists, the event log and the stream (tail and resume alike).
inline constexpr std::size_t kListErrorCap = 2000;
// Each payload column (and errorMessage) of one event or an export (SPEC §5).
inline constexpr std::size_t kPayloadCap = 256 * 1024;

enum class RowShape {
  kList,          // no payload column (the tail, the log, the stream)
  kWithPayloads,  // plus requestPayload, response and errorMessage up to kPayloadCap
};

inline constexpr std::size_t kListColumnCount = 14;
inline constexpr std::size_t kPayloadColumnCount = kListColumnCount + 6;

// "id, batchId, …" for SELECT, timestamps as epoch milliseconds. `sub_stage`: the table has
// migration 002's subStage column; without it the column is selected as NULL (same shape).
std::string EventColumns(SqlDialect dialect, RowShape shape, bool sub_stage);

}  // namespace pipeline_exporter
