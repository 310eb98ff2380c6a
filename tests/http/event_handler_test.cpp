#include "exporter/http/event_handler.h"

#include <gtest/gtest.h>

#include "tests/fakes/api_fixture.h"

namespace pipeline_exporter {
namespace {

TEST(EventHandlerTest, OneEventWithItsPayloads) {
  ApiFixture f;
  StageEvent e = Ev(0, 1, "stt", "file_complete").File("a.wav");
  e.request_payload = CappedText{"{\"cut", 9000, true};
  e.response = WholeText("<script>x</script>");
  f.Add(e);
  EventHandler h(f.registry());
  const auto r = h.Get(ApiFixture::Request("GET", "/api/events/1"));
  ASSERT_EQ(r.status, 200);
  const auto j = ApiFixture::Json(r);
  EXPECT_EQ(j["fileName"], "a.wav");
  EXPECT_EQ(j["requestPayload"]["truncated"], true);
  EXPECT_EQ(j["requestPayload"]["length"], 9000);
  EXPECT_EQ(j["response"]["text"], "<script>x</script>");  // data, rendered as text by the page
  EXPECT_TRUE(j["errorMessage"].is_null());
  EXPECT_EQ(h.Get(ApiFixture::Request("GET", "/api/events/2")).status, 404);
  EXPECT_EQ(h.Get(ApiFixture::Request("GET", "/api/events/-1")).status, 400);
}

}  // namespace
}  // namespace pipeline_exporter
