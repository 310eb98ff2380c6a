#pragma once
// A fresh directory under the test temp dir, removed with everything in it at scope exit;
// and reading a whole file back, as tests do with logs and outputs.

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace pipeline_exporter {

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("pipeline_exporter_test_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    if (released_) return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string File(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }
  // Keeps the directory at scope exit: whoever took it over removes it.
  void Release() { released_ = true; }

 private:
  std::filesystem::path path_;
  bool released_ = false;
};

// The whole file as text; empty when it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace pipeline_exporter
