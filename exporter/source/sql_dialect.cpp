#include "exporter/source/sql_dialect.h"

#include <cstdlib>
#include <stdexcept>

namespace pipeline_exporter {

std::optional<SqlDialect> DialectOf(std::string_view cs) {
  if (cs.starts_with("sqlite3://") || cs.starts_with("sqlite://")) return SqlDialect::kSqlite;
  if (cs.starts_with("mysql://")) return SqlDialect::kMysql;
  if (cs.starts_with("postgresql://")) return SqlDialect::kPostgresql;
  return std::nullopt;
}

std::string_view DialectName(SqlDialect dialect) {
  switch (dialect) {
    case SqlDialect::kSqlite:
      return "sqlite";
    case SqlDialect::kMysql:
      return "mysql";
    case SqlDialect::kPostgresql:
      return "postgresql";
  }
  return "";
}

std::string NullTextOf(SqlDialect dialect) {
  switch (dialect) {
    case SqlDialect::kMysql:
      return "CAST(NULL AS CHAR(64))";
    case SqlDialect::kPostgresql:
      return "CAST(NULL AS VARCHAR(64))";
    case SqlDialect::kSqlite:
      return "NULL";
  }
  return "NULL";
}

std::string EpochMillisOf(SqlDialect dialect, std::string_view column) {
  const std::string c(column);
  switch (dialect) {
    case SqlDialect::kSqlite:
      // One julianday() per row is four times cheaper than strftime('%s') + strftime('%f');
      // its double resolves about 50 microseconds at today's dates, so rounding to the
      // millisecond is exact.
      return "CAST((julianday(" + c + ") - 2440587.5) * 86400000.0 + 0.5 AS INTEGER)";
    case SqlDialect::kMysql:
      // DATETIME has no zone: measured from the epoch as stored (UTC by convention), so
      // the session's time_zone cannot shift it.
      return "CAST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', " + c +
             ") DIV 1000 AS SIGNED)";
    case SqlDialect::kPostgresql:
      return "CAST(FLOOR(EXTRACT(EPOCH FROM " + c + ") * 1000) AS BIGINT)";
  }
  return {};
}

std::string NowEpochMillis(SqlDialect dialect) {
  switch (dialect) {
    case SqlDialect::kSqlite:
      return EpochMillisOf(dialect, "'now'");
    case SqlDialect::kMysql:
      return EpochMillisOf(dialect, "UTC_TIMESTAMP(3)");
    case SqlDialect::kPostgresql:
      return EpochMillisOf(dialect, "clock_timestamp()");
  }
  return {};
}

bool IsPlainIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

std::string CheckedConnectString(const std::string& connect_string, const std::string& table,
                                 SqlDialect* dialect) {
  const auto d = DialectOf(connect_string);
  if (!d) throw std::invalid_argument("unsupported database: " + connect_string);
  if (!IsPlainIdentifier(table)) throw std::invalid_argument("invalid table name: " + table);
  *dialect = *d;
  if (*d == SqlDialect::kSqlite && connect_string.find("timeout=") == std::string::npos) {
    return connect_string + " timeout=5";
  }
  return connect_string;
}

}  // namespace pipeline_exporter

namespace pipeline_exporter {

namespace {

// The value of `key` in SOCI's parameter list "key=value key='quoted value' …" (the last one
// when repeated); nullopt when absent.
std::optional<std::string> ParamOf(std::string_view params, std::string_view key) {
  std::optional<std::string> found;
  std::size_t i = 0;
  while (i < params.size()) {
    while (i < params.size() && params[i] == ' ') ++i;
    const std::size_t eq = params.find('=', i);
    if (eq == std::string_view::npos) break;
    const std::string_view name = params.substr(i, eq - i);
    i = eq + 1;
    std::string_view value;
    if (i < params.size() && (params[i] == '"' || params[i] == '\'')) {
      const char quote = params[i++];
      const std::size_t end = params.find(quote, i);
      value = params.substr(i, end == std::string_view::npos ? end : end - i);
      i = end == std::string_view::npos ? params.size() : end + 1;
    } else {
      const std::size_t end = params.find(' ', i);
      value = params.substr(i, end == std::string_view::npos ? end : end - i);
      i = end == std::string_view::npos ? params.size() : end;
    }
    if (name == key) found = std::string(value);
  }
  return found;
}

constexpr std::string_view kSqliteScheme = "sqlite3://";

}  // namespace

std::optional<std::string> SqliteFileOf(std::string_view connect_string) {
  if (connect_string.substr(0, kSqliteScheme.size()) != kSqliteScheme) return std::nullopt;
  const std::string_view rest = connect_string.substr(kSqliteScheme.size());
  std::string file;
  if (rest.find('=') == std::string_view::npos) {
    file = std::string(rest);
  } else if (auto db = ParamOf(rest, "db")) {
    file = *db;
  } else if (auto dbname = ParamOf(rest, "dbname")) {
    file = *dbname;
  }
  if (file.empty() || file == ":memory:" || file.rfind("file:", 0) == 0) return std::nullopt;
  return file;
}

std::chrono::milliseconds SqliteBusyTimeout(std::string_view connect_string) {
  const auto timeout = ParamOf(connect_string.substr(kSqliteScheme.size()), "timeout");
  return std::chrono::seconds(timeout ? std::atoi(timeout->c_str()) : 5);
}

}  // namespace pipeline_exporter
