#include "exporter/http/stream_handler.h"

#include <gtest/gtest.h>

#include "tests/fakes/api_fixture.h"
#include "tests/fakes/fake_http_stream.h"

namespace pipeline_exporter {
namespace {

class StreamHandlerTest : public ::testing::Test {
 protected:
  StreamHandlerTest() : hub_(1, 100, gauge_), handler_(f_.registry(), hub_, Options()) {}
  static StreamOptions Options() {
    StreamOptions o;
    o.heartbeat_ms = 1;
    o.max_resume_events = 2;
    return o;
  }
  ApiFixture f_;
  SseClientsCollector gauge_;
  SseHub hub_;
  StreamHandler handler_;
};

TEST_F(StreamHandlerTest, RetryThenASnapshotOfTheFold) {
  f_.Add(Ev(0, 3, "stt", "stage_start").Total(4));
  f_.Fold();
  FakeHttpStream out(2);  // the client leaves after the snapshot
  handler_.Get(ApiFixture::Request("GET", "/api/stream"), out);
  EXPECT_EQ(out.status(), 200);
  EXPECT_EQ(out.body.rfind("retry: 3000\n\nid: ", 0), 0u) << out.body;
  EXPECT_NE(out.body.find("event: snapshot\ndata: {"), std::string::npos);
  EXPECT_NE(out.body.find("\"total\":4"), std::string::npos);
}

TEST_F(StreamHandlerTest, LastEventIdResumesFromTheLog) {
  for (int i = 0; i < 3; ++i)
    f_.Add(Ev(0, 1, "stt", "file_complete").File("f" + std::to_string(i)));
  HttpRequest r = ApiFixture::Request("GET", "/api/stream");
  r.headers["last-event-id"] = "1";
  FakeHttpStream out(3);  // retry and the two missed events
  handler_.Get(r, out);
  EXPECT_NE(out.body.find("id: 2\nevent: file_complete\n"), std::string::npos) << out.body;
  EXPECT_NE(out.body.find("id: 3\nevent: file_complete\n"), std::string::npos);
  EXPECT_EQ(out.body.find("snapshot"), std::string::npos);
  // Further behind than max_resume_events: a fresh snapshot instead.
  r.headers["last-event-id"] = "0";
  r.query = "last_event_id=junk";
  FakeHttpStream behind(2);
  handler_.Get(r, behind);
  EXPECT_NE(behind.body.find("event: snapshot"), std::string::npos);
}

TEST_F(StreamHandlerTest, AResumeEndsWithTheStateTheMissedRowsLedTo) {
  f_.Add(Ev(0, 1, "", "batch_start").Total(2));
  f_.Add(Ev(0, 1, "stt", "file_complete").File("a"));
  f_.Fold();
  HttpRequest r = ApiFixture::Request("GET", "/api/stream");
  r.headers["last-event-id"] = "1";
  FakeHttpStream out(5);  // retry, the missed row, the batch and two stages
  handler_.Get(r, out);
  const auto row = out.body.find("id: 2\nevent: file_complete\n");
  const auto batch = out.body.find("event: batch\ndata: {\"batch\":{\"id\":1");
  const auto stt = out.body.find("event: stage\ndata: {\"id\":\"stt\"");
  ASSERT_NE(row, std::string::npos) << out.body;
  ASSERT_NE(batch, std::string::npos) << out.body;
  ASSERT_NE(stt, std::string::npos) << out.body;
  EXPECT_LT(row, batch);
  EXPECT_NE(out.body.find("\"processed\":1", stt), std::string::npos);
}

TEST_F(StreamHandlerTest, MoreClientsThanTheCapGet503) {
  auto held = hub_.Subscribe("p");  // the only slot
  FakeHttpStream out;
  handler_.Get(ApiFixture::Request("GET", "/api/stream"), out);
  EXPECT_EQ(out.status(), 503);
  EXPECT_TRUE(out.responded);
  hub_.Unsubscribe(held);
}

}  // namespace
}  // namespace pipeline_exporter
