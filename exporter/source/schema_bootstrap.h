#pragma once
// Creates the event-log table from the embedded migration when it does not exist yet.
// Used for SQLite (the zero-configuration default and the demo); for MySQL and PostgreSQL
// the exporter's user is normally read-only and the migration is applied by an operator.
// Thread-safe (stateless); opens and closes its own session.

#include <string>

namespace pipeline_exporter {

// Returns true when it created the table. Throws std::exception with a message on failure.
bool EnsureEventTable(const std::string& connect_string, const std::string& table);

// The migration text for a dialect name ("sqlite", "mysql", "postgresql"), with the table
// name substituted. Throws std::invalid_argument for an unknown name.
std::string MigrationSql(const std::string& dialect, const std::string& table);

}  // namespace pipeline_exporter
