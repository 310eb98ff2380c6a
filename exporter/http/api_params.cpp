#include "exporter/http/api_params.h"

#include "exporter/core/fold/event_type.h"

namespace pipeline_exporter {

std::optional<std::int64_t> ParsePositiveId(std::string_view text) {
  // 18 digits always fit in int64, so no overflow check is needed after the length check.
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v > 0 ? std::optional<std::int64_t>(v) : std::nullopt;
}

HttpResponse BadParam(const std::string& name, const std::string& why) {
  return HttpResponse::JsonError(400, "invalid parameter " + name, why);
}

std::optional<std::int64_t> IdParam(const HttpRequest& r, const std::string& name,
                                    HttpResponse* error) {
  const auto raw = r.Param(name);
  if (!raw || raw->empty()) return std::nullopt;
  auto v = ParsePositiveId(*raw);
  if (!v) *error = BadParam(name, "must be a positive whole number");
  return v;
}

std::size_t LimitParam(const HttpRequest& r, std::size_t def, std::size_t max,
                       HttpResponse* error) {
  const auto raw = r.Param("limit");
  if (!raw || raw->empty()) return def;
  const auto v = ParsePositiveId(*raw);
  if (!v || static_cast<std::size_t>(*v) > max) {
    *error = BadParam("limit", "must be a whole number from 1 to " + std::to_string(max));
    return def;
  }
  return static_cast<std::size_t>(*v);
}

std::optional<LogFilter> LogFilterParams(const HttpRequest& r, std::int64_t batch_id,
                                         HttpResponse* error) {
  LogFilter f;
  f.batch_id = batch_id;
  if (auto s = r.Param("stage"); s && !s->empty()) f.stage = *s;
  if (auto t = r.Param("type"); t && !t->empty()) {
    if (!ParseEventType(*t)) {
      *error = BadParam("type", "not an event type: " + *t);
      return std::nullopt;
    }
    f.event_types = {*t};
  }
  if (auto q = r.Param("q"); q && !q->empty()) {
    if (q->size() > kMaxSearchLength) {
      *error = BadParam("q", "at most " + std::to_string(kMaxSearchLength) + " characters");
      return std::nullopt;
    }
    f.search = *q;
  }
  HttpResponse bad;
  f.before_id = IdParam(r, "before_id", &bad);
  f.limit = LimitParam(r, 100, 1000, &bad);
  if (bad.status != 200) {
    *error = bad;
    return std::nullopt;
  }
  return f;
}

}  // namespace pipeline_exporter
