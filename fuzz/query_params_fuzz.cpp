// Fuzz target: any bytes as the query string of an API request (and as a path id, as an
// Accept header, and as the headers the cross-origin rule and the client address read). The parsers
// either accept a value inside its documented bounds or report a 400 naming the parameter; nothing
// else can come out of them.

#include <string>

#include "exporter/core/fold/event_type.h"
#include "exporter/http/api_params.h"
#include "exporter/http/client_address.h"
#include "exporter/http/cross_origin.h"
#include "exporter/http/header_list.h"
#include "exporter/util/http_url.h"
#include "fuzz/fuzz_check.h"

namespace pe = pipeline_exporter;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pe::HttpRequest r;
  r.method = "GET";
  r.path = "/api/batch/1/logs";
  r.query.assign(reinterpret_cast<const char*>(data), size);

  if (const auto id = pe::ParsePositiveId(r.query)) {
    FUZZ_CHECK(*id > 0);
    // Leading zeros are accepted ("007" is 7); the digits must spell the value.
    const std::size_t first = r.query.find_first_not_of('0');
    FUZZ_CHECK(first != std::string::npos && std::to_string(*id) == r.query.substr(first));
  }
  for (const char* name : {"pipeline", "stage", "type", "q", "before", "limit", ""}) {
    if (const auto v = r.Param(name)) FUZZ_CHECK(v->size() <= r.query.size());
  }

  pe::HttpResponse error;
  const auto before = pe::IdParam(r, "before", &error);
  if (error.status == 200 && before) FUZZ_CHECK(*before > 0);
  if (error.status != 200) FUZZ_CHECK(error.status == 400 && !before);

  pe::HttpResponse limit_error;
  const std::size_t limit = pe::LimitParam(r, 20, 500, &limit_error);
  FUZZ_CHECK(limit >= 1 && limit <= 500);
  FUZZ_CHECK(limit_error.status == 200 || limit_error.status == 400);

  pe::HttpResponse filter_error;
  const auto f = pe::LogFilterParams(r, 7, &filter_error);
  if (f) {
    FUZZ_CHECK(filter_error.status == 200);
    FUZZ_CHECK(f->batch_id == 7);
    FUZZ_CHECK(f->limit >= 1 && f->limit <= 1000);
    FUZZ_CHECK(!f->before_id || *f->before_id > 0);
    FUZZ_CHECK(!f->search || (!f->search->empty() && f->search->size() <= pe::kMaxSearchLength));
    FUZZ_CHECK(f->event_types.size() <= 1);
    for (const auto& t : f->event_types) FUZZ_CHECK(pe::ParseEventType(t).has_value());
  } else {
    FUZZ_CHECK(filter_error.status == 400);
    FUZZ_CHECK(filter_error.body.find("invalid parameter ") != std::string::npos);
  }

  // The same bytes as an Accept header: bounded, every quality in 0..1.
  const auto elements = pe::ParseHeaderList(r.query);
  FUZZ_CHECK(elements.size() <= pe::kMaxHeaderListElements);
  for (const auto& e : elements) {
    FUZZ_CHECK(!e.token.empty() && e.token.size() <= r.query.size());
    FUZZ_CHECK(e.q >= 0 && e.q <= 1);
  }

  // The same bytes as Origin, Host, Sec-Fetch-Site, Content-Type and X-Forwarded-For: the rule
  // decides one of its answers, and a client address is the peer or an address of at most 45
  // characters that the bytes contain.
  static const pe::CrossOriginGuard guard({"https://pipelines.example.com"});
  pe::HttpRequest post;
  post.method = "POST";
  for (const char* h : {"origin", "host", "sec-fetch-site", "content-type", "x-forwarded-for"}) {
    post.headers[h] = r.query;
  }
  const auto refusal = guard.Check(post, true);
  if (refusal) FUZZ_CHECK(pe::CrossOriginGuard::Answer(*refusal).status >= 403);
  post.headers.erase("sec-fetch-site");
  (void)guard.Check(post, false);
  if (const auto origin = pe::NormalizeOrigin(r.query)) {
    FUZZ_CHECK(origin->rfind("http", 0) == 0 && pe::NormalizeOrigin(*origin) == *origin);
  }
  const std::string client = pe::ClientAddress("10.0.0.1", post.headers, {"10.0.0.1"});
  FUZZ_CHECK(client == "10.0.0.1" ||
             (client.size() <= 45 && r.query.find(client) != std::string::npos));
  return 0;
}
