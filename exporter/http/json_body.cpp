#include "exporter/http/json_body.h"

#include "exporter/util/utf8.h"

namespace pipeline_exporter {

bool OptionalTextField(const Json& body, const std::string& name, std::size_t max_bytes,
                       std::string* out, HttpResponse* error) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) {
    *error = HttpResponse::JsonError(400, "invalid " + name, "a string");
    return false;
  }
  std::string text = it->get<std::string>();
  if (text.size() > max_bytes || !IsValidUtf8(text)) {
    *error = HttpResponse::JsonError(
        400, "invalid " + name, "UTF-8 text of at most " + std::to_string(max_bytes) + " bytes");
    return false;
  }
  *out = std::move(text);
  return true;
}

}  // namespace pipeline_exporter
