#pragma once
// What the two configuration files (--config.file, --web.config.file) share: YAML errors,
// including those thrown by conversions deep in the tree, become ConfigErrors with line and
// column; and a file's errors start with its path. Internal to exporter/config. Stateless.

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <string>

#include "exporter/config/config_loader.h"

namespace pipeline_exporter {

// `parse` applied to the YAML tree of `text`.
template <typename Parse>
auto ParseYaml(const std::string& text, Parse parse) -> decltype(parse(YAML::Node())) {
  try {
    return parse(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    throw ConfigError("invalid YAML at line " + std::to_string(e.mark.line + 1) + ", column " +
                      std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
}

// `parse` applied to the text of the file at `path`.
template <typename Parse>
auto ParseFile(const std::string& path, Parse parse) -> decltype(parse(std::string())) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return parse(text.str());
  } catch (const ConfigError& e) {
    throw ConfigError(path + ": " + e.what());
  }
}

}  // namespace pipeline_exporter
