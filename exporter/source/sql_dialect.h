#pragma once
// The few SQL fragments that differ between SQLite, MySQL/MariaDB and PostgreSQL. Every
// other query text is shared. Pure; thread-safe.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace pipeline_exporter {

enum class SqlDialect { kSqlite, kMysql, kPostgresql };

// From a SOCI connect string ("sqlite3://…", "mysql://…", "postgresql://…").
std::optional<SqlDialect> DialectOf(std::string_view connect_string);

std::string_view DialectName(SqlDialect dialect);  // "sqlite", "mysql", "postgresql"

// An expression giving the `timestamp` column as UTC epoch milliseconds (BIGINT), computed
// in SQL so that no driver's date conversion is trusted.
std::string EpochMillisOf(SqlDialect dialect, std::string_view column);

// A NULL typed as short text, for a column the table lacks: SOCI's MySQL backend cannot type
// a bare NULL column.
std::string NullTextOf(SqlDialect dialect);

// An expression giving the database's current time as UTC epoch milliseconds.
std::string NowEpochMillis(SqlDialect dialect);

// True when `name` is a plain SQL identifier, safe to splice into query text.
bool IsPlainIdentifier(std::string_view name);

// Checks a SOCI connect string and table name (std::invalid_argument naming the problem)
// and returns the connect string to open — for SQLite with a busy timeout, so that a
// writer holding the lock makes readers wait briefly instead of failing.
std::string CheckedConnectString(const std::string& connect_string, const std::string& table,
                                 SqlDialect* dialect);

}  // namespace pipeline_exporter

namespace pipeline_exporter {

// The file of a SQLite connect string ("sqlite3://db=PATH …", "dbname=", a quoted value, or
// a bare path as SOCI allows); nullopt for another database, ":memory:" or a "file:" URI.
std::optional<std::string> SqliteFileOf(std::string_view connect_string);

// The busy timeout of a SQLite connect string: its "timeout=" (seconds), else 5 s (what
// CheckedConnectString adds).
std::chrono::milliseconds SqliteBusyTimeout(std::string_view connect_string);

}  // namespace pipeline_exporter
