#pragma once
// A file compiled into the binary at build time (cmake/EmbedFiles.cmake): the web page's
// assets and the SQL migrations. The data lives in static storage for the process's life.

#include <string_view>

namespace pipeline_exporter {

struct EmbeddedFile {
  std::string_view path;  // relative to the embedded folder, e.g. "sqlite/001_create.sql"
  std::string_view data;
};

// Lookups generated per embedded folder; nullptr when no such file.
const EmbeddedFile* FindMigrationFile(std::string_view path);
const EmbeddedFile* FindWebFile(std::string_view path);

}  // namespace pipeline_exporter
