#pragma once
// Creates the event-log table from the embedded migrations when it does not exist yet, and
// applies migration 002 (the batch control table, the subStage column) and, for SQLite, 004
// (the control rows' requestedFrom, the errors index) where they are missing.
// Used for SQLite (the zero-configuration default and the demo); for MySQL and PostgreSQL
// the exporter's user is normally read-only and the migration is applied by an operator.
// Thread-safe (stateless); opens and closes its own session.

#include <string>

namespace pipeline_exporter {

// Returns true when it created the event table. An empty `control_table` leaves the schema
// at 001 (a table created by 001 alone must keep working). Throws std::exception with a
// message on failure.
bool EnsureEventTable(const std::string& connect_string, const std::string& table,
                      const std::string& control_table = "batchControl");

// Runs migration `number` as it is, statement by statement (003_notify for PostgreSQL, say).
// Throws std::exception with a message on failure.
void ApplyMigration(const std::string& connect_string, int number, const std::string& table,
                    const std::string& control_table = "batchControl");

// The text of migration `number` (1 to 4; 3 is PostgreSQL's only) for a dialect name ("sqlite",
// "mysql", "postgresql"), with the table names substituted. Throws std::invalid_argument for an
// unknown dialect or number.
std::string MigrationSql(const std::string& dialect, int number, const std::string& table,
                         const std::string& control_table = "batchControl");

}  // namespace pipeline_exporter
