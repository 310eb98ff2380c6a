#include "exporter/source/schema_bootstrap.h"

#include <soci/soci.h>

#include <stdexcept>

#include "exporter/embedded_file.h"
#include "exporter/source/sql_dialect.h"

namespace pipeline_exporter {
namespace {

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

// SOCI runs one statement per call; the migrations end every statement with ";" and use
// semicolons elsewhere only inside a $$-quoted function body.
std::vector<std::string> Statements(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  bool in_body = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    if (sql.compare(i, 2, "$$") == 0) {
      in_body = !in_body;
      current += "$$";
      ++i;
      continue;
    }
    if (in_body) {
      current += sql[i];
      continue;
    }
    if (sql[i] == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
      continue;
    }
    if (sql[i] == ';') {
      if (current.find_first_not_of(" \n\t\r") != std::string::npos) out.push_back(current);
      current.clear();
      continue;
    }
    current += sql[i];
  }
  if (current.find_first_not_of(" \n\t\r") != std::string::npos) out.push_back(current);
  return out;
}

bool IsPragma(const std::string& statement) {
  const auto start = statement.find_first_not_of(" \n\t\r");
  return start != std::string::npos && statement.compare(start, 6, "PRAGMA") == 0;
}

}  // namespace

std::string MigrationSql(const std::string& dialect, int number, const std::string& table,
                         const std::string& control_table) {
  const char* name = number == 1   ? "/001_create_batch_execution_log.sql"
                     : number == 2 ? "/002_batch_control.sql"
                     : number == 3 ? "/003_notify.sql"
                     : number == 4 ? "/004_audit_and_error_index.sql"
                                   : nullptr;
  const EmbeddedFile* f = name ? FindMigrationFile(dialect + name) : nullptr;
  if (!f) throw std::invalid_argument("no migration " + std::to_string(number) + " for " + dialect);
  return ReplaceAll(ReplaceAll(std::string(f->data), "batchExecutionLog", table), "batchControl",
                    control_table);
}

namespace {

// Whether `table` has the column (any case; PostgreSQL folds unquoted names to lower case).
bool HasColumn(soci::session& sql, SqlDialect dialect, const std::string& table,
               const std::string& column) {
  int count = 0;
  std::string t = table, c = column;
  switch (dialect) {
    case SqlDialect::kSqlite:
      sql << "SELECT COUNT(*) FROM pragma_table_info(:t) WHERE LOWER(name) = LOWER(:c)",
          soci::use(t), soci::use(c), soci::into(count);
      break;
    case SqlDialect::kMysql:
      sql << "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() "
             "AND LOWER(table_name) = LOWER(:t) AND LOWER(column_name) = LOWER(:c)",
          soci::use(t), soci::use(c), soci::into(count);
      break;
    case SqlDialect::kPostgresql:
      sql << "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = "
             "current_schema() AND table_name = LOWER(:t) AND column_name = LOWER(:c)",
          soci::use(t), soci::use(c), soci::into(count);
      break;
  }
  return count > 0;
}

}  // namespace

bool EnsureEventTable(const std::string& connect_string, const std::string& table,
                      const std::string& control_table) {
  const auto dialect = DialectOf(connect_string);
  if (!dialect) throw std::invalid_argument("unsupported database: " + connect_string);
  if (!IsPlainIdentifier(table)) throw std::invalid_argument("invalid table name: " + table);
  if (!control_table.empty() && !IsPlainIdentifier(control_table)) {
    throw std::invalid_argument("invalid control table name: " + control_table);
  }
  const std::string dialect_name(DialectName(*dialect));
  soci::session sql(connect_string);
  bool created = false;
  bool exists = false;
  if (*dialect == SqlDialect::kSqlite) {
    int count = 0;
    std::string name = table;
    sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :t", soci::use(name),
        soci::into(count);
    exists = count > 0;
  }
  if (!exists) {
    // A PRAGMA (001's journal mode for SQLite) cannot run inside a transaction: first.
    const auto statements = Statements(MigrationSql(dialect_name, 1, table));
    for (const auto& stmt : statements) {
      if (IsPragma(stmt)) sql << stmt;
    }
    soci::transaction tx(sql);
    for (const auto& stmt : statements) {
      if (!IsPragma(stmt)) sql << stmt;
    }
    tx.commit();
    created = true;
  }
  if (control_table.empty()) return created;
  // 002, statement by statement: its ALTER is skipped where the column is there already.
  const bool has_sub_stage = HasColumn(sql, *dialect, table, "subStage");
  for (const auto& stmt : Statements(MigrationSql(dialect_name, 2, table, control_table))) {
    if (has_sub_stage && stmt.find("ALTER TABLE") != std::string::npos) continue;
    sql << stmt;
  }
  if (*dialect == SqlDialect::kSqlite) {
    // 004 likewise (the exporter creates only SQLite schemas; elsewhere an operator applies it).
    const bool has_from = HasColumn(sql, *dialect, control_table, "requestedFrom");
    for (const auto& stmt : Statements(MigrationSql(dialect_name, 4, table, control_table))) {
      if (has_from && stmt.find("ALTER TABLE") != std::string::npos) continue;
      sql << stmt;
    }
  }
  return created;
}

}  // namespace pipeline_exporter

namespace pipeline_exporter {

void ApplyMigration(const std::string& connect_string, int number, const std::string& table,
                    const std::string& control_table) {
  const auto dialect = DialectOf(connect_string);
  if (!dialect) throw std::invalid_argument("unsupported database: " + connect_string);
  soci::session sql(connect_string);
  for (const auto& stmt :
       Statements(MigrationSql(std::string(DialectName(*dialect)), number, table, control_table))) {
    sql << stmt;
  }
}

}  // namespace pipeline_exporter
