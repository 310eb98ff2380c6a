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

// SOCI runs one statement per call; the migrations end every statement with ";\n" and
// use no semicolons elsewhere.
std::vector<std::string> Statements(const std::string& sql) {
  std::vector<std::string> out;
  std::string current;
  for (std::size_t i = 0; i < sql.size(); ++i) {
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

}  // namespace

std::string MigrationSql(const std::string& dialect, const std::string& table) {
  const EmbeddedFile* f = FindMigrationFile(dialect + "/001_create_batch_execution_log.sql");
  if (!f) throw std::invalid_argument("no migration for database " + dialect);
  return ReplaceAll(std::string(f->data), "batchExecutionLog", table);
}

bool EnsureEventTable(const std::string& connect_string, const std::string& table) {
  const auto dialect = DialectOf(connect_string);
  if (!dialect) throw std::invalid_argument("unsupported database: " + connect_string);
  if (!IsPlainIdentifier(table)) throw std::invalid_argument("invalid table name: " + table);
  soci::session sql(connect_string);
  if (*dialect == SqlDialect::kSqlite) {
    int count = 0;
    std::string name = table;
    sql << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :t", soci::use(name),
        soci::into(count);
    if (count > 0) return false;
    // WAL lets the tail read while a writer (the demo, a pipeline) is writing.
    sql << "PRAGMA journal_mode=WAL";
  }
  soci::transaction tx(sql);
  for (const auto& stmt : Statements(MigrationSql(std::string(DialectName(*dialect)), table))) {
    sql << stmt;
  }
  tx.commit();
  return true;
}

}  // namespace pipeline_exporter
