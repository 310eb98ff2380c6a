#include "exporter/source/sql_dialect.h"

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

std::optional<std::string> SqliteFileOf(std::string_view connect_string) {
  constexpr std::string_view kScheme = "sqlite3://";
  if (connect_string.substr(0, kScheme.size()) != kScheme) return std::nullopt;
  std::string_view rest = connect_string.substr(kScheme.size());
  std::string file;
  if (rest.find('=') == std::string_view::npos) {
    file = std::string(rest);
  } else {
    std::size_t i = 0;
    while (i < rest.size()) {
      while (i < rest.size() && rest[i] == ' ') ++i;
      const std::size_t eq = rest.find('=', i);
      if (eq == std::string_view::npos) break;
      const std::string_view key = rest.substr(i, eq - i);
      i = eq + 1;
      std::string value;
      if (i < rest.size() && (rest[i] == '"' || rest[i] == '\'')) {
        const char quote = rest[i++];
        const std::size_t end = rest.find(quote, i);
        value = std::string(rest.substr(i, end == std::string_view::npos ? end : end - i));
        i = end == std::string_view::npos ? rest.size() : end + 1;
      } else {
        const std::size_t end = rest.find(' ', i);
        value = std::string(rest.substr(i, end == std::string_view::npos ? end : end - i));
        i = end == std::string_view::npos ? rest.size() : end;
      }
      if (key == "db" || key == "dbname") file = value;
    }
  }
  if (file.empty() || file == ":memory:" || file.rfind("file:", 0) == 0) return std::nullopt;
  return file;
}

}  // namespace pipeline_exporter
