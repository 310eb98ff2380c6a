#include "exporter/core/exposition/pipeline_collector.h"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "exporter/core/exposition/build_info_collector.h"
#include "exporter/core/exposition/text_format.h"
#include "tests/fakes/event_builder.h"
#include "tests/fakes/fake_clock.h"

namespace pipeline_exporter {
namespace {

constexpr std::int64_t kCollectorT0 = 1'705'132'800'000;  // 2024-01-13T08:00:00Z

// A fixed log covering every rule: a finished batch, then a current batch with a complete
// stage, a processing stage with checkpoints, a retry, a failure and a pending stage, one
// batch-level error, and one bad row.
std::vector<StageEvent> FixedLog() {
  std::vector<StageEvent> log;
  std::int64_t id = 0;
  auto add = [&](std::int64_t batch, const char* stage, const char* type, std::int64_t at_s) {
    log.push_back(Ev(++id, batch, stage, type, kCollectorT0 + at_s * 1000));
    return &log.back();
  };
  add(1, "", "batch_start", 0)->batch_metadata = R"({"batchDate":"2024-01-12","batchNumber":2})";
  add(1, "denoise", "stage_start", 1)->total_files = 2;
  add(1, "denoise", "file_complete", 3)->file_name = "a.wav";
  add(1, "denoise", "file_complete", 5)->file_name = "b.wav";
  add(1, "denoise", "stage_complete", 41)->processed_files = 2;
  add(1, "", "batch_complete", 42);

  add(2, "", "batch_start", 100)->batch_metadata = R"({"batchDate":"2024-01-13","batchNumber":3})";
  add(2, "denoise", "stage_start", 101)->total_files = 4;
  for (const char* f : {"a.wav", "b.wav", "c.wav", "d.wav"}) {
    StageEvent* e = add(2, "denoise", "file_complete", 105);
    e->file_name = f;
    e->duration_ms = 1200;
  }
  add(2, "denoise", "stage_complete", 121)->processed_files = 4;
  add(2, "stt", "stage_start", 122)->total_files = 4;
  add(2, "stt", "file_start", 122)->file_name = "a.wav";
  add(2, "stt", "file_complete", 124)->file_name = "a.wav";  // 2 s from file_start
  StageEvent* err = add(2, "stt", "error", 125);
  err->file_name = "b.wav";
  add(2, "stt", "file_complete", 130)->file_name = "b.wav";  // retried: now processed
  add(2, "stt", "error", 131)->file_name = "c.wav";
  StageEvent* cp = add(2, "stt", "stage_progress", 132);
  cp->processed_files = 2;
  cp->failed_files = 1;
  cp->total_files = 4;
  add(2, "", "error", 133);
  add(2, "stt", "stage_shuffled", 134);  // unknown type: rejected and counted
  return log;
}

Exposition FixedExposition() {
  FakeClock clock(kCollectorT0 + 140'000);
  PipelineSpec spec;
  spec.name = "cofi";
  spec.stages = {{"denoise", "Denoise"}, {"stt", "Speech to text"}, {"llm1", "LLM summary"}};
  spec.batch_deadline_ms = 6 * 3600 * 1000;
  PipelineStore store(spec, clock);
  store.Apply(FixedLog());
  PollRecord poll;
  poll.ok = true;
  poll.duration_seconds = 0.004;
  poll.finished_ms = kCollectorT0 + 139'000;
  poll.db_now_ms = kCollectorT0 + 140'000;
  poll.high_water_mark = static_cast<std::int64_t>(FixedLog().size());
  poll.woke_by = WakeSource::kNotify;
  store.RecordPoll(poll);
  // A PostgreSQL pipeline's listener that lost its connection once and listens again.
  store.RecordListener(ListenerEvent::kListening);
  store.RecordListener(ListenerEvent::kLost);
  store.RecordListener(ListenerEvent::kListening);

  PipelineCollector collector({&store});
  BuildInfoCollector build_info("1.2.3", "abcdef");
  Exposition x = collector.Expose();
  auto more = build_info.Collect();
  x.families.insert(x.families.end(), more.begin(), more.end());
  return x;
}

std::vector<prometheus::MetricFamily> FixedFamilies() { return FixedExposition().families; }

// Compares with a golden file under tests/data/golden (PE_UPDATE_GOLDEN=1 rewrites it).
void ExpectGolden(const std::string& actual, const std::string& name) {
  const std::string path = std::string(PE_TEST_DATA_DIR) + "/golden/" + name;
  if (std::getenv("PE_UPDATE_GOLDEN")) {
    std::ofstream(path) << actual;
    GTEST_FAIL() << "golden file rewritten: " << path << " (unset PE_UPDATE_GOLDEN)";
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing golden file " << path << "; run with PE_UPDATE_GOLDEN=1";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "to accept a deliberate change: PE_UPDATE_GOLDEN=1";
}

std::string RenderFixedLog() {
  std::string out;
  AppendTextFormat(FixedFamilies(), out);
  return out;
}

TEST(PipelineCollectorTest, GoldenMetricsText) { ExpectGolden(RenderFixedLog(), "metrics.prom"); }

TEST(PipelineCollectorTest, GoldenOpenMetricsWithExemplars) {
  const Exposition x = FixedExposition();
  std::string out;
  AppendOpenMetrics(x.families, x.exemplars, out);
  ExpectGolden(out, "metrics.openmetrics");
}

// The exemplars are the fold's newest events: ids of the fixed log, values in their buckets.
TEST(PipelineCollectorTest, WakeUpsBySourceAndTheListenerOnlyWhereThereIsOne) {
  FakeClock clock(kCollectorT0);
  PipelineSpec spec;
  spec.name = "lite";
  PipelineStore store(spec, clock);
  PollRecord poll;
  poll.ok = true;
  store.RecordPoll(poll);  // the first poll: not a wake-up
  poll.woke_by = WakeSource::kInotify;
  store.RecordPoll(poll);
  store.RecordPoll(poll);
  poll.woke_by = WakeSource::kPoll;
  store.RecordPoll(poll);
  PipelineCollector collector({&store});
  std::string text;
  AppendTextFormat(collector.Collect(), text);
  EXPECT_NE(text.find("pipeline_exporter_wakeups_total{pipeline=\"lite\",source=\"inotify\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("pipeline_exporter_wakeups_total{pipeline=\"lite\",source=\"poll\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("pipeline_exporter_wakeups_total{pipeline=\"lite\",source=\"notify\"} 0\n"),
            std::string::npos);
  EXPECT_EQ(text.find("pipeline_exporter_listener_up"), std::string::npos);
  store.RecordListener(ListenerEvent::kLost);
  text.clear();
  AppendTextFormat(collector.Collect(), text);
  EXPECT_NE(text.find("pipeline_exporter_listener_up{pipeline=\"lite\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("pipeline_exporter_listener_losses_total{pipeline=\"lite\"} 1\n"),
            std::string::npos);
}

TEST(PipelineCollectorTest, ExemplarsNameTheNewestEventOfEachFigure) {
  const Exposition x = FixedExposition();
  ASSERT_LE(x.exemplars.size(), x.families.size());
  std::map<std::string, std::vector<MetricExemplars>> by_family;
  for (std::size_t i = 0; i < x.exemplars.size(); ++i) {
    if (x.exemplars[i].empty()) continue;
    EXPECT_EQ(x.exemplars[i].size(), x.families[i].metric.size()) << x.families[i].name;
    EXPECT_NE(x.families[i].type, prometheus::MetricType::Gauge) << x.families[i].name;
    by_family[x.families[i].name] = x.exemplars[i];
  }
  ASSERT_EQ(by_family.size(), 3u);
  const auto log = FixedLog();
  auto event = [&](std::int64_t id) { return log.at(static_cast<std::size_t>(id - 1)); };

  // Stages in catalog order: denoise, stt, llm1.
  const auto& completed = by_family.at("pipeline_files_completed_total");
  ASSERT_TRUE(completed[0].value);
  EXPECT_EQ(event(completed[0].value->event_id).event_type, "file_complete");
  EXPECT_EQ(event(completed[0].value->event_id).file_name, "d.wav");  // the newest of 4
  EXPECT_EQ(completed[0].value->batch_id, 2);
  EXPECT_EQ(completed[0].value->value, 1);
  EXPECT_EQ(completed[0].value->timestamp_seconds, (kCollectorT0 + 105'000) / 1000.0);
  ASSERT_TRUE(completed[1].value);
  EXPECT_EQ(event(completed[1].value->event_id).file_name, "b.wav");
  EXPECT_FALSE(completed[2].value);  // llm1 never completed a file

  const auto& failed = by_family.at("pipeline_files_failed_total");
  EXPECT_FALSE(failed[0].value);
  ASSERT_TRUE(failed[1].value);
  EXPECT_EQ(event(failed[1].value->event_id).file_name, "c.wav");

  const auto& durations = by_family.at("pipeline_file_duration_seconds");
  const prometheus::MetricFamily* histogram = nullptr;
  for (const auto& f : x.families) {
    if (f.name == "pipeline_file_duration_seconds") histogram = &f;
  }
  ASSERT_NE(histogram, nullptr);
  std::size_t seen = 0;
  for (std::size_t s = 0; s < durations.size(); ++s) {
    const auto& buckets = histogram->metric[s].histogram.bucket;
    ASSERT_EQ(durations[s].buckets.size(), buckets.size());
    for (std::size_t b = 0; b < buckets.size(); ++b) {
      const auto& e = durations[s].buckets[b];
      if (!e) continue;
      ++seen;
      EXPECT_LE(e->value, buckets[b].upper_bound);
      if (b > 0) {
        EXPECT_GT(e->value, buckets[b - 1].upper_bound);
      }
      EXPECT_EQ(event(e->event_id).event_type, "file_complete");
    }
  }
  EXPECT_EQ(seen, 2u);  // denoise's four 1.2 s in one bucket, stt's a.wav (2 s)
}

TEST(PipelineCollectorTest, RendersTheValuesOfTheWorkedRules) {
  const std::string text = RenderFixedLog();
  auto has = [&](const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
  };
  EXPECT_TRUE(has(R"(pipeline_stage_files_processed{pipeline="cofi",pipeline_stage="stt"} 2)"));
  EXPECT_TRUE(has(R"(pipeline_stage_files_failed{pipeline="cofi",pipeline_stage="stt"} 1)"));
  EXPECT_TRUE(has(R"(pipeline_stage_progress_ratio{pipeline="cofi",pipeline_stage="stt"} 0.75)"));
  EXPECT_TRUE(has(
      R"(pipeline_stage_status{pipeline="cofi",pipeline_stage="denoise",status="complete"} 1)"));
  EXPECT_TRUE(
      has(R"(pipeline_stage_status{pipeline="cofi",pipeline_stage="llm1",status="pending"} 1)"));
  EXPECT_TRUE(
      has(R"(pipeline_stage_duration_seconds{pipeline="cofi",pipeline_stage="denoise"} 20)"));
  EXPECT_TRUE(has(R"(pipeline_stage_duration_seconds{pipeline="cofi",pipeline_stage="stt"} 18)"));
  EXPECT_TRUE(has(
      R"(pipeline_stage_typical_duration_seconds{pipeline="cofi",pipeline_stage="denoise"} 40)"));
  EXPECT_TRUE(has(
      R"(pipeline_batch_info{pipeline="cofi",batch_id="2",batch_date="2024-01-13",batch_number="3"} 1)"));
  EXPECT_TRUE(has(R"(pipeline_batches_total{pipeline="cofi",outcome="complete"} 1)"));
  EXPECT_TRUE(has(R"(pipeline_batch_deadline_seconds{pipeline="cofi"} 21600)"));
  EXPECT_TRUE(has(
      R"(pipeline_exporter_invalid_events_total{pipeline="cofi",reason="unknown_event_type"} 1)"));
  EXPECT_TRUE(has(R"(pipeline_exporter_event_lag_seconds{pipeline="cofi"} 7)"));
  EXPECT_TRUE(has(R"(pipeline_files_completed_total{pipeline="cofi",pipeline_stage="denoise"} 6)"));
  EXPECT_TRUE(
      has(R"(pipeline_events_total{pipeline="cofi",pipeline_stage="",event_type="error"} 1)"));
  EXPECT_TRUE(has(
      R"(pipeline_file_duration_seconds_bucket{pipeline="cofi",pipeline_stage="stt",le="2"} 1)"));
  EXPECT_TRUE(has(R"(pipeline_exporter_build_info{version="1.2.3",revision="abcdef"} 1)"));
}

TEST(PipelineCollectorTest, NoDeadlineSeriesWithoutADeadline) {
  FakeClock clock(kCollectorT0 + 140'000);
  PipelineSpec spec;
  spec.name = "cofi";
  PipelineStore store(spec, clock);
  store.Apply(FixedLog());
  PipelineCollector collector({&store});
  std::string text;
  AppendTextFormat(collector.Expose().families, text);
  EXPECT_NE(text.find("pipeline_batch_start_timestamp_seconds{pipeline=\"cofi\"}"),
            std::string::npos);
  EXPECT_EQ(text.find("pipeline_batch_deadline_seconds{"), std::string::npos);
}

// "name{labels}" → value text, with numbers compared as numbers.
std::map<std::string, double> Parse(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto sp = line.rfind(' ');
    std::string key = line.substr(0, sp);
    // Normalise the `le` label's number (0.1 may be written 0.10000000000000001).
    const auto le = key.find("le=\"");
    if (le != std::string::npos) {
      const auto end = key.find('"', le + 4);
      const std::string v = key.substr(le + 4, end - le - 4);
      const double d = v == "+Inf" ? INFINITY : std::stod(v);
      key = key.substr(0, le + 4) + std::to_string(d) + key.substr(end);
    }
    const std::string v = line.substr(sp + 1);
    out[key] = (v == "NaN" || v == "Nan") ? -12345.678 : v == "+Inf" ? INFINITY : std::stod(v);
  }
  return out;
}

TEST(TextFormatTest, SameSeriesAndValuesAsPrometheusCppsSerializer) {
  const auto families = FixedFamilies();
  std::string ours;
  AppendTextFormat(families, ours);
  const std::string theirs = prometheus::TextSerializer().Serialize(families);
  const auto a = Parse(ours), b = Parse(theirs);
  EXPECT_GT(a.size(), 100u);
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [k, v] : b) {
    ASSERT_TRUE(a.count(k)) << k;
    EXPECT_DOUBLE_EQ(a.at(k), v) << k;
  }
}

TEST(TextFormatTest, WholeNumbersAreWrittenAsIntegers) {
  prometheus::MetricFamily f;
  f.name = "x";
  f.type = prometheus::MetricType::Gauge;
  for (double v : {1000000.0, 1705132800.125, -3.0, 0.0}) f.metric.emplace_back().gauge.value = v;
  std::string out;
  AppendTextFormat({f}, out);
  EXPECT_EQ(out, "# HELP x \n# TYPE x gauge\nx 1000000\nx 1705132800.125\nx -3\nx 0\n");
}

TEST(TextFormatTest, EscapesHelpAndLabelValues) {
  prometheus::MetricFamily f;
  f.name = "x";
  f.help = "back\\slash and\nnewline";
  f.type = prometheus::MetricType::Gauge;
  auto& m = f.metric.emplace_back();
  m.label.push_back({"l", "q\"uote\\ nl\n"});
  m.gauge.value = 0.1;
  std::string out;
  AppendTextFormat({f}, out);
  EXPECT_EQ(
      out,
      "# HELP x back\\\\slash and\\nnewline\n# TYPE x gauge\nx{l=\"q\\\"uote\\\\ nl\\n\"} 0.1\n");
}

}  // namespace
}  // namespace pipeline_exporter
