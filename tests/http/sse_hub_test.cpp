#include "exporter/http/sse_hub.h"

#include <gtest/gtest.h>

#include "exporter/core/fold/pipeline_store.h"
#include "tests/fakes/event_builder.h"
#include "tests/fakes/fake_clock.h"

namespace pipeline_exporter {
namespace {

std::string Join(const std::vector<SseHub::Message>& messages) {
  std::string out;
  for (const auto& m : messages) out += m.text;
  return out;
}

std::size_t Count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

class SseHubTest : public ::testing::Test {
 protected:
  SseHubTest() : hub_(2, 100, gauge_), store_(Spec(), clock_) { store_.SetListener(&hub_); }
  static PipelineSpec Spec() {
    PipelineSpec s;
    s.name = "p";
    s.stages = {{"denoise", "Denoise"}, {"stt", "Speech to text"}};
    return s;
  }
  std::string Drain(SseHub::Client& c) {
    bool ended = false;
    return Join(c.Next(0, &ended));
  }

  FakeClock clock_{1'700'000'000'000};
  SseClientsCollector gauge_;
  SseHub hub_;
  PipelineStore store_;
};

TEST_F(SseHubTest, EachBurstIsFollowedByTheStagesWhoseFiguresChanged) {
  auto client = hub_.Subscribe("p");
  ASSERT_TRUE(client);
  store_.Apply({Ev(1, 7, "", "batch_start").Total(4), Ev(2, 7, "stt", "stage_start").Total(4)});
  std::string first = Drain(*client);
  // The first burst: the rows, then the batch and every stage.
  EXPECT_LT(first.find("id: 2\nevent: stage_start\n"), first.find("event: batch\n")) << first;
  EXPECT_EQ(Count(first, "event: stage\n"), 2u);
  EXPECT_NE(first.find("\"batch\":{\"id\":7"), std::string::npos);

  store_.Apply({Ev(3, 7, "stt", "file_complete").File("a.wav")});
  const std::string second = Drain(*client);
  EXPECT_NE(second.find("id: 3\nevent: file_complete\n"), std::string::npos);
  EXPECT_EQ(Count(second, "event: stage\n"), 1u) << second;  // only stt changed
  EXPECT_NE(second.find("\"id\":\"stt\""), std::string::npos);
  EXPECT_NE(second.find("\"processed\":1"), std::string::npos);
  EXPECT_NE(second.find("\"batchId\":7"), std::string::npos);
  EXPECT_EQ(second.find("event: batch\n"), std::string::npos);
  EXPECT_EQ(second.find("id: 0"), std::string::npos);  // state messages carry no id

  // A row that changes no figure: no state message. The batch's end: a batch message, and
  // stt ends with it.
  store_.Apply({Ev(4, 7, "stt", "info")});
  EXPECT_EQ(Count(Drain(*client), "event: stage\n"), 0u);
  store_.Apply({Ev(5, 7, "", "batch_complete")});
  const std::string end = Drain(*client);
  EXPECT_NE(end.find("event: batch\ndata: {\"batch\":{\"id\":7"), std::string::npos) << end;
  EXPECT_NE(end.find("\"status\":\"complete\""), std::string::npos);
  hub_.Unsubscribe(client);
}

TEST_F(SseHubTest, StateMessagesFromNothingCarryEverything) {
  store_.Apply({Ev(1, 3, "", "batch_start"), Ev(2, 3, "denoise", "stage_start").Total(2)});
  const PipelineSnapshot snap = store_.Snapshot();
  const auto all = SseHub::StateMessages(nullptr, snap);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].rfind("event: batch\n", 0), 0u);
  EXPECT_EQ(SseHub::StateMessages(&snap, snap).size(), 0u);
  // Another batch: everything again.
  store_.Apply({Ev(3, 4, "", "batch_start")});
  EXPECT_EQ(SseHub::StateMessages(&snap, store_.Snapshot()).size(), 3u);
}

TEST_F(SseHubTest, ASlowClientIsDroppedAndTheCapHolds) {
  SseHub small(1, 3, gauge_);
  auto client = small.Subscribe("p");
  ASSERT_TRUE(client);
  EXPECT_EQ(small.Subscribe("p"), nullptr);  // the one slot is taken
  PipelineStore store(Spec(), clock_);
  store.SetListener(&small);
  store.Apply({Ev(1, 1, "", "batch_start"), Ev(2, 1, "stt", "stage_start")});
  bool ended = false;
  EXPECT_TRUE(client->Next(0, &ended).empty());
  EXPECT_TRUE(ended);  // five messages over a queue of three
  small.Unsubscribe(client);
  EXPECT_NE(small.Subscribe("p"), nullptr);
}

TEST_F(SseHubTest, AGoneClientGivesUpItsSlotToANewOne) {
  bool gone = false;
  auto a = hub_.Subscribe("p", [&gone] { return gone; });
  auto b = hub_.Subscribe("p");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(hub_.Subscribe("p"), nullptr);
  gone = true;
  auto c = hub_.Subscribe("p");
  ASSERT_TRUE(c);
  bool ended = false;
  a->Next(0, &ended);
  EXPECT_TRUE(ended);
  hub_.Unsubscribe(b);
  hub_.Unsubscribe(c);
}

}  // namespace
}  // namespace pipeline_exporter
