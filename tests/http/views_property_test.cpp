// One truth, checked by property: random event logs — several batches, retries, duplicates,
// stale and fresh checkpoints, final counts, outcome corrections, batch and stage re-runs,
// batches ending with open stages, reused batch ids, files moving between workers, sub-stages
// and their re-runs — are folded by the core, and every view of every batch (history, with
// and without the fold holding it; stats; export's stats; the current batch; the stream's
// snapshot; the workers; the metrics) must equal what a deliberately simple
// reference implementation of the README's rules computes from the same log.

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "exporter/core/exposition/pipeline_collector.h"
#include "exporter/core/exposition/text_format.h"
#include "exporter/core/fold/pipeline_store.h"
#include "exporter/http/batch_handler.h"
#include "exporter/http/batches_handler.h"
#include "exporter/http/current_batch_handler.h"
#include "exporter/http/sse_clients_collector.h"
#include "exporter/http/sse_hub.h"
#include "exporter/http/stream_handler.h"
#include "tests/fakes/api_fixture.h"
#include "tests/fakes/event_builder.h"
#include "tests/fakes/fake_clock.h"
#include "tests/fakes/fake_event_log.h"
#include "tests/fakes/fake_http_stream.h"

namespace pipeline_exporter {
namespace {

using nlohmann::json;

constexpr std::int64_t kViewsT0 = 1'700'000'000'000;
const std::vector<std::string> kStages = {"a", "b", "c"};

// ---- the reference: the README's rules, written as plainly as possible -------------------

struct RefSub {
  std::string status = "processing";
  std::optional<std::int64_t> start_ms, end_ms;
};

struct RefStage {
  std::string status = "pending";
  std::map<std::string, std::string> worker_of;  // file → the worker it counts for ("": none)
  std::map<std::string, RefSub> subs;
  std::vector<std::string> sub_order;
  void EndSubs(const std::string& outcome, std::int64_t ts) {
    for (auto& [id, sub] : subs) {
      if (sub.status != "processing") continue;
      sub.status = outcome;
      sub.end_ms = sub.start_ms ? std::max(ts, *sub.start_ms) : ts;
    }
  }
  // Files whose latest outcome is `what`, counted for `worker`.
  std::int64_t CountFor(const std::string& worker, const char* what) const {
    std::int64_t n = 0;
    for (const auto& [f, o] : outcome) {
      const auto w = worker_of.find(f);
      n += o == what && w != worker_of.end() && w->second == worker ? 1 : 0;
    }
    return n;
  }
  std::optional<std::int64_t> total;
  std::int64_t checkpoint_processed = 0, checkpoint_failed = 0;
  std::optional<std::int64_t> final_processed, final_failed;
  std::map<std::string, std::string> outcome;  // file → "complete" | "failed" (latest wins)
  std::optional<std::int64_t> start_ms, first_ms, end_ms;
  bool ended_with_batch = false;

  bool Ended() const { return status == "complete" || status == "failed"; }
  std::int64_t Count(const char* what) const {
    std::int64_t n = 0;
    for (const auto& [f, o] : outcome) n += o == what ? 1 : 0;
    return n;
  }
  std::int64_t Processed() const {
    return final_processed ? *final_processed : std::max(Count("complete"), checkpoint_processed);
  }
  std::int64_t Failed() const {
    return final_failed ? *final_failed : std::max(Count("failed"), checkpoint_failed);
  }
};

struct RefBatch {
  std::string status = "running";
  std::int64_t run_start_id = 0;
  bool started_by_batch_start = false;
  std::int64_t end_event_id = 0;
  std::optional<std::int64_t> batch_start_ms, end_ms, total;
  std::int64_t first_ms = 0;
  std::map<std::string, RefStage> stages;

  bool Ended() const { return status != "running"; }
  std::optional<std::int64_t> Files() const {
    if (total) return total;
    std::optional<std::int64_t> files;
    for (const auto& [id, s] : stages) {
      if (s.total) files = std::max(files.value_or(0), *s.total);
    }
    return files;
  }
};

struct Reference {
  std::map<std::int64_t, RefBatch> batches;
  std::int64_t complete_total = 0, failed_total = 0;
  std::map<std::pair<std::string, std::string>, std::int64_t> events_total;  // (stage, type)
  std::map<std::string, std::int64_t> files_completed_total, files_failed_total;
  // (stage, worker) → since start
  std::map<std::pair<std::string, std::string>, std::int64_t> worker_completed_total,
      worker_failed_total;

  void Apply(const StageEvent& e) {
    ++events_total[{e.stage, e.event_type}];
    const std::string& t = e.event_type;
    auto [it, fresh] = batches.try_emplace(e.batch_id);
    RefBatch& b = it->second;
    if (fresh) {
      b.run_start_id = e.id;
      b.first_ms = e.timestamp_ms;
    }
    if (t == "batch_start") {
      if (b.Ended()) {  // the batch id is used again: a new run
        b = RefBatch{};
        b.run_start_id = e.id;
        b.first_ms = e.timestamp_ms;
      }
      if (!b.started_by_batch_start) {
        b.started_by_batch_start = true;
        b.run_start_id = e.id;
      }
      if (!b.batch_start_ms) b.batch_start_ms = e.timestamp_ms;
      if (e.total_files) b.total = e.total_files;
      return;
    }
    if (t == "batch_complete" || t == "batch_failed") {
      const std::string outcome = t == "batch_complete" ? "complete" : "failed";
      if (t == "batch_complete" && e.total_files) b.total = e.total_files;
      b.end_event_id = e.id;
      if (b.status == outcome) return;
      b.status = outcome;
      b.end_ms = e.timestamp_ms;
      ++(outcome == "complete" ? complete_total : failed_total);
      for (auto& [id, s] : b.stages) {
        if (s.status == "processing" || s.ended_with_batch) {
          s.status = outcome;
          s.ended_with_batch = true;
          s.end_ms = e.timestamp_ms;
          s.EndSubs(outcome, e.timestamp_ms);
        }
      }
      return;
    }
    if (e.stage.empty()) return;
    RefStage& s = b.stages[e.stage];
    if (t == "stage_start" && s.Ended()) s = RefStage{};  // a re-run starts from nothing
    if (!s.first_ms) s.first_ms = e.timestamp_ms;
    auto processing = [&s] {
      if (s.status == "pending") s.status = "processing";
    };
    if (t == "stage_start") {
      s.status = "processing";
      if (!s.start_ms) s.start_ms = e.timestamp_ms;
      if (e.total_files) s.total = e.total_files;
    } else if (t == "stage_progress") {
      processing();
      if (e.total_files) s.total = e.total_files;
      if (e.processed_files) s.checkpoint_processed = *e.processed_files;
      if (e.failed_files) s.checkpoint_failed = *e.failed_files;
    } else if (t == "stage_complete") {
      s.status = "complete";
      s.ended_with_batch = false;
      s.end_ms = e.timestamp_ms;
      s.EndSubs("complete", e.timestamp_ms);
      if (e.total_files) s.total = e.total_files;
      if (e.processed_files) s.final_processed = e.processed_files;
      if (e.failed_files) s.final_failed = e.failed_files;
    } else if (t == "stage_failed") {
      s.status = "failed";
      s.ended_with_batch = false;
      s.end_ms = e.timestamp_ms;
      s.EndSubs("failed", e.timestamp_ms);
    } else if (t == "substage_start" || t == "substage_complete") {
      processing();
      const std::string& id = *e.sub_stage;
      if (!s.subs.count(id)) s.sub_order.push_back(id);
      RefSub& sub = s.subs[id];
      if (t == "substage_start") {
        if (sub.status != "processing") sub = RefSub{};  // a re-run of the sub-stage
        if (!sub.start_ms || e.timestamp_ms < *sub.start_ms) sub.start_ms = e.timestamp_ms;
      } else {
        sub.status = "complete";
        if (!sub.start_ms) sub.start_ms = e.timestamp_ms;
        sub.end_ms = std::max(e.timestamp_ms, *sub.start_ms);
      }
    } else if (t == "file_start") {
      processing();
    } else if (t == "file_complete") {
      processing();
      const std::string worker = e.gpu_ip.value_or("");
      if (s.outcome[*e.file_name] != "complete") {
        ++files_completed_total[e.stage];
        if (!worker.empty()) ++worker_completed_total[{e.stage, worker}];
        s.worker_of[*e.file_name] = worker;
      }
      s.outcome[*e.file_name] = "complete";
    } else if (t == "error" && e.file_name) {
      processing();
      const std::string worker = e.gpu_ip.value_or("");
      if (s.outcome[*e.file_name] != "failed") {
        ++files_failed_total[e.stage];
        if (!worker.empty()) ++worker_failed_total[{e.stage, worker}];
        s.worker_of[*e.file_name] = worker;
      }
      s.outcome[*e.file_name] = "failed";
    }
  }

  std::int64_t Current() const {
    std::int64_t id = 0, start = -1;
    for (const auto& [bid, b] : batches) {
      if (b.run_start_id > start) {
        start = b.run_start_id;
        id = bid;
      }
    }
    return id;
  }
};

// ---- random logs ----------------------------------------------------------------------------

std::vector<StageEvent> RandomLog(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  // Workers and sub-stages draw from a generator of their own, so the logs of the seeds
  // kept below keep their shape.
  std::mt19937_64 extra(seed * 7919 + 1);
  auto extra_pick = [&extra](int n) {
    return static_cast<int>(extra() % static_cast<unsigned>(n));
  };
  auto worker = [&](Ev e) -> StageEvent {
    if (extra_pick(4) != 0) e.Gpu("w" + std::to_string(extra_pick(3)));
    return e;
  };
  std::vector<StageEvent> log;
  std::int64_t id = 0;
  auto emit = [&](std::int64_t batch, const std::string& stage, const std::string& type) -> Ev {
    ++id;
    return Ev(id, batch, stage, type, kViewsT0 + id * 1000 + pick(500));
  };
  std::vector<std::int64_t> active;  // running batches (at most two overlap)
  std::set<std::int64_t> ended;      // batches whose run has ended (outcomes may be corrected)
  std::set<std::int64_t> seen;
  const int steps = 40 + pick(80);
  for (int step = 0; step < steps; ++step) {
    const int action = pick(20);
    if (active.empty() || (active.size() < 2 && action == 0)) {
      // A batch begins (a reused id begins a new run with batch_start).
      std::int64_t batch = 1 + pick(4);
      if (std::find(active.begin(), active.end(), batch) != active.end()) continue;
      const bool needs_start = seen.count(batch) > 0;
      if (needs_start || pick(5) != 0) {
        Ev start = emit(batch, "", "batch_start");
        if (pick(2) == 0) start.Total(2 + pick(6));
        log.push_back(start);
      }
      seen.insert(batch);
      ended.erase(batch);
      active.push_back(batch);
      continue;
    }
    if (action == 1 && !ended.empty()) {
      // An outcome corrected (or repeated) later.
      auto it = ended.begin();
      std::advance(it, pick(static_cast<int>(ended.size())));
      log.push_back(emit(*it, "", pick(2) == 0 ? "batch_complete" : "batch_failed"));
      continue;
    }
    const std::size_t k = static_cast<std::size_t>(pick(static_cast<int>(active.size())));
    const std::int64_t batch = active[k];
    if (action == 2) {
      // The batch ends, often with stages still processing.
      Ev end = emit(batch, "", pick(3) == 0 ? "batch_failed" : "batch_complete");
      if (pick(4) == 0) end.Total(3 + pick(5));
      log.push_back(end);
      active.erase(active.begin() + static_cast<std::ptrdiff_t>(k));
      ended.insert(batch);
      continue;
    }
    if (action == 3 && !log.empty()) {
      // A duplicate of a recent row of a running batch (a writer that retried the insert).
      StageEvent dup =
          log[log.size() - 1 -
              static_cast<std::size_t>(pick(std::min<int>(3, static_cast<int>(log.size()))))];
      if (std::find(active.begin(), active.end(), dup.batch_id) != active.end() &&
          dup.event_type.rfind("batch_", 0) != 0) {
        dup.id = ++id;
        dup.timestamp_ms = kViewsT0 + id * 1000;
        log.push_back(dup);
      }
      continue;
    }
    const std::string stage = kStages[static_cast<std::size_t>(pick(3))];
    const std::string file = "f" + std::to_string(pick(6));
    switch (pick(11)) {
      case 0:
      case 1: {
        Ev e = emit(batch, stage, "stage_start");
        if (pick(3) != 0) e.Total(3 + pick(6));
        log.push_back(e);
        break;
      }
      case 2: {
        Ev e = emit(batch, stage, "stage_progress");
        if (pick(2) == 0) e.Processed(pick(7));  // stale or fresh
        if (pick(2) == 0) e.Failed(pick(3));
        if (pick(4) == 0) e.Total(3 + pick(6));
        log.push_back(e);
        break;
      }
      case 3:
        log.push_back(worker(emit(batch, stage, "file_start").File(file)));
        break;
      case 4:
      case 5: {
        Ev e = emit(batch, stage, "file_complete").File(file);
        if (pick(2) == 0) e.Duration(100 + pick(5000));
        log.push_back(worker(e));
        break;
      }
      case 6:
        // A retry may complete it later, on another worker.
        log.push_back(worker(emit(batch, stage, "error").File(file)));
        break;
      case 7: {
        Ev e = emit(batch, stage, "stage_complete");
        if (pick(3) != 0) e.Processed(pick(8)).Failed(pick(3));
        log.push_back(e);
        break;
      }
      case 8:
        log.push_back(emit(batch, stage, "stage_failed"));
        break;
      case 9:
        log.push_back(emit(batch, stage, pick(2) == 0 ? "warning" : "info"));
        break;
      default:
        log.push_back(emit(batch, stage, "error"));  // no file: the stage's own error
        break;
    }
    if (extra_pick(5) == 0) {
      log.push_back(emit(batch, stage, extra_pick(2) == 0 ? "substage_start" : "substage_complete")
                        .Sub("s" + std::to_string(extra_pick(3))));
    }
  }
  return log;
}

// ---- the views ------------------------------------------------------------------------------

PipelineSpec Spec(std::size_t max_batches_kept) {
  PipelineSpec spec;
  spec.name = "p";
  for (const auto& s : kStages) spec.stages.push_back({s, s});
  spec.max_batches_kept = max_batches_kept;
  return spec;
}

json Parse(const HttpResponse& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  return json::parse(r.body);
}

HttpRequest Get(const std::string& path, const std::string& query = "") {
  HttpRequest r;
  r.method = "GET";
  r.path = path;
  r.query = query;
  return r;
}

// A stage of a stats/snapshot JSON against the reference.
void ExpectStage(const json& st, const RefBatch& b, const std::string& ctx, std::int64_t now) {
  const std::string id = st["id"];
  auto it = b.stages.find(id);
  if (it == b.stages.end()) {
    EXPECT_EQ(st["status"], "pending") << ctx << " stage " << id;
    EXPECT_EQ(st["processed"], 0) << ctx;
    return;
  }
  const RefStage& s = it->second;
  EXPECT_EQ(st["status"], s.status) << ctx << " stage " << id;
  ASSERT_EQ(st["subStages"].size(), s.sub_order.size()) << ctx << " stage " << id;
  for (std::size_t i = 0; i < s.sub_order.size(); ++i) {
    const json& got = st["subStages"][i];
    const RefSub& sub = s.subs.at(s.sub_order[i]);
    EXPECT_EQ(got["id"], s.sub_order[i]) << ctx << " stage " << id;
    EXPECT_EQ(got["status"], sub.status) << ctx << " sub-stage " << s.sub_order[i];
    EXPECT_EQ(got["end"].is_null(), !sub.end_ms) << ctx << " sub-stage " << s.sub_order[i];
    const std::int64_t end = sub.end_ms ? *sub.end_ms : now;
    EXPECT_NEAR(got["durationSeconds"].get<double>(),
                std::max<std::int64_t>(0, end - *sub.start_ms) / 1000.0, 1e-9)
        << ctx << " sub-stage " << s.sub_order[i];
  }
  EXPECT_EQ(st["processed"].dump(), std::to_string(s.Processed())) << ctx << " stage " << id;
  EXPECT_EQ(st["failed"].dump(), std::to_string(s.Failed())) << ctx << " stage " << id;
  EXPECT_EQ(st["total"], s.total ? json(*s.total) : json(nullptr)) << ctx << " stage " << id;
  if (s.status != "pending") {
    const std::int64_t start = s.start_ms ? *s.start_ms : *s.first_ms;
    const std::int64_t end = s.Ended() ? *s.end_ms : now;
    EXPECT_NEAR(st["durationSeconds"].get<double>(),
                std::max<std::int64_t>(0, end - start) / 1000.0, 1e-9)
        << ctx << " stage " << id;
  } else {
    EXPECT_TRUE(st["durationSeconds"].is_null()) << ctx;
  }
  if (s.Ended()) {
    EXPECT_EQ(st["etaSeconds"], 0.0) << ctx << " stage " << id;
  }
  if (s.status == "complete") {
    EXPECT_EQ(st["progress"], 1.0) << ctx;
  } else if (!s.total || *s.total <= 0) {
    EXPECT_TRUE(st["progress"].is_null()) << ctx;
  } else {
    const double ratio = std::clamp(
        static_cast<double>(s.Processed() + s.Failed()) / static_cast<double>(*s.total), 0.0, 1.0);
    EXPECT_NEAR(st["progress"].get<double>(), ratio, 1e-12) << ctx << " stage " << id;
  }
}

void ExpectSnapshot(const json& snap, std::int64_t batch_id, const RefBatch& b,
                    const std::string& ctx, std::int64_t now) {
  ASSERT_FALSE(snap["batch"].is_null()) << ctx;
  EXPECT_EQ(snap["batch"]["id"], batch_id) << ctx;
  EXPECT_EQ(snap["batch"]["status"], b.status) << ctx;
  EXPECT_EQ(snap["batch"]["runStartId"], b.run_start_id) << ctx;
  EXPECT_EQ(snap["batch"]["files"], b.Files() ? json(*b.Files()) : json(nullptr)) << ctx;
  for (const auto& st : snap["stages"]) ExpectStage(st, b, ctx, now);
}

void ExpectHistoryLine(const json& line, const RefBatch& b, const std::string& ctx) {
  EXPECT_EQ(line["status"], b.status) << ctx;
  EXPECT_EQ(line["runStartId"], b.run_start_id) << ctx;
  std::int64_t processed = 0, failed = 0;
  std::size_t touched = 0;
  for (const auto& [id, s] : b.stages) {
    processed += s.Processed();
    failed += s.Failed();
    ++touched;
  }
  EXPECT_EQ(line["filesProcessed"].dump(), std::to_string(processed)) << ctx;
  EXPECT_EQ(line["filesFailed"].dump(), std::to_string(failed)) << ctx;
  EXPECT_EQ(line["files"], b.Files() ? json(*b.Files()) : json(nullptr)) << ctx;
  ASSERT_EQ(line["stages"].size(), touched) << ctx;
  for (const auto& st : line["stages"]) {
    const RefStage& s = b.stages.at(st["id"]);
    EXPECT_EQ(st["status"], s.status) << ctx << " stage " << st["id"];
    EXPECT_EQ(st["processed"], s.Processed()) << ctx << " stage " << st["id"];
    EXPECT_EQ(st["failed"], s.Failed()) << ctx << " stage " << st["id"];
  }
}

// Every view of one log against the reference; returns false at the first seed that fails.
void CheckSeed(std::uint64_t seed) {
  SCOPED_TRACE("seed " + std::to_string(seed));
  const std::vector<StageEvent> log = RandomLog(seed);
  Reference ref;
  for (const auto& e : log) ref.Apply(e);

  FakeClock clock(kViewsT0 + 1'000'000);
  const std::int64_t now = clock.Now();
  FakeEventLog rows;
  for (const auto& e : log) rows.Append(e);
  // Two folds of the same log: one holds every batch, one holds only the newest, so the
  // other batches' views are folded from their rows.
  PipelineStore holds_all(Spec(500), clock);
  PipelineStore holds_one(Spec(1), clock);
  holds_all.Apply(log);
  holds_one.Apply(log);
  const PipelineRegistry all({PipelineOver(holds_all, rows)});
  const PipelineRegistry one({PipelineOver(holds_one, rows)});

  // History: every batch once, newest run first, paged with the cursor.
  std::vector<std::pair<std::int64_t, std::int64_t>> order;  // (run start, batch)
  for (const auto& [id, b] : ref.batches) order.push_back({b.run_start_id, id});
  std::sort(order.rbegin(), order.rend());
  for (const PipelineRegistry* registry : {&all, &one}) {
    const std::string ctx = registry == &all ? "history (fold)" : "history (rows)";
    BatchesHandler history(*registry);
    std::vector<json> lines;
    std::string query = "limit=2";
    for (int page = 0; page < 50; ++page) {
      const json r = Parse(history.Get(Get("/api/batches", query)));
      for (const auto& l : r["batches"]) lines.push_back(l);
      if (r["nextBefore"].is_null()) break;
      query = "limit=2&before=" + r["nextBefore"].dump();
    }
    ASSERT_EQ(lines.size(), order.size()) << ctx;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      EXPECT_EQ(lines[i]["id"], order[i].second) << ctx << " line " << i;
      ExpectHistoryLine(lines[i], ref.batches.at(order[i].second),
                        ctx + " batch " + std::to_string(order[i].second));
    }
  }

  // Stats and export of every batch, from the fold and from the rows.
  for (const auto& [id, b] : ref.batches) {
    for (const PipelineRegistry* registry : {&all, &one}) {
      const std::string ctx =
          std::string(registry == &all ? "fold" : "rows") + " batch " + std::to_string(id);
      BatchHandler handler(*registry);
      const ApiPipeline& p = registry->all().front();
      const json stats = Parse(handler.Stats(p, id));
      ExpectSnapshot(stats, id, b, "stats " + ctx, now);
      // The batch's workers: each file counted for the worker of its latest outcome.
      std::size_t with_files = 0;
      for (const auto& [stage_id, s] : b.stages) {
        std::set<std::string> workers;
        for (const auto& [file, worker] : s.worker_of) {
          if (!worker.empty()) workers.insert(worker);
        }
        for (const auto& w : workers) {
          with_files += s.CountFor(w, "complete") + s.CountFor(w, "failed") > 0 ? 1 : 0;
        }
      }
      EXPECT_EQ(stats["workers"].size(), with_files) << ctx;
      for (const auto& w : stats["workers"]) {
        const RefStage& s = b.stages.at(w["stage"]);
        EXPECT_EQ(w["filesCompleted"], s.CountFor(w["worker"], "complete")) << ctx;
        EXPECT_EQ(w["filesFailed"], s.CountFor(w["worker"], "failed")) << ctx;
      }
      FakeHttpStream out;
      handler.Export(p, id, out);
      ASSERT_EQ(out.status(), 200) << ctx;
      const json ex = json::parse(out.body);
      ExpectSnapshot(ex["stats"], id, b, "export " + ctx, now);
      std::size_t in_run = 0;
      for (const auto& e : log) in_run += e.batch_id == id && e.id >= b.run_start_id ? 1 : 0;
      EXPECT_EQ(ex["events"].size(), in_run) << ctx;
    }
  }

  // Error groups of every batch: the fold's (all) and the rows' (one, for the batches it
  // does not hold) are the same answer.
  for (const auto& [id, b] : ref.batches) {
    BatchHandler from_fold(all), from_rows(one);
    EXPECT_EQ(from_fold.Errors(all.all().front(), id).body,
              from_rows.Errors(one.all().front(), id).body)
        << "errors of batch " << id;
  }

  // The stream's state messages, applied in order over nothing, leave what the fold shows:
  // rows applied in bursts of random sizes, as polls would.
  {
    SseClientsCollector state_gauge;
    SseHub state_hub(1, 1'000'000, state_gauge);
    PipelineStore streamed(Spec(500), clock);
    streamed.SetListener(&state_hub);
    auto client = state_hub.Subscribe("p");
    std::mt19937_64 rng(seed);
    for (std::size_t at = 0; at < log.size();) {
      const std::size_t n = std::min<std::size_t>(log.size() - at, 1 + rng() % 7);
      streamed.Apply(std::vector<StageEvent>(log.begin() + static_cast<std::ptrdiff_t>(at),
                                             log.begin() + static_cast<std::ptrdiff_t>(at + n)));
      at += n;
    }
    bool ended = false;
    json batch;
    std::map<std::string, json> stages;
    for (const auto& m : client->Next(0, &ended)) {
      for (const char* kind : {"batch", "stage"}) {
        const std::string head = std::string("event: ") + kind + "\ndata: ";
        if (m.text.rfind(head, 0) != 0) continue;
        const json d = json::parse(m.text.substr(head.size()));
        if (std::string(kind) == "batch") {
          batch = d["batch"];
        } else {
          stages[d["id"]] = d;
        }
      }
    }
    ASSERT_FALSE(ended);
    const json shown = Parse(CurrentBatchHandler(all).Get(Get("/api/current-batch")));
    EXPECT_EQ(batch, shown["batch"]) << "stream batch";
    for (const auto& st : shown["stages"]) {
      ASSERT_TRUE(stages.count(st["id"])) << st["id"];
      const json& got = stages[st["id"]];
      for (const char* k : {"status", "total", "processed", "failed", "order"}) {
        EXPECT_EQ(got[k], st[k]) << "stream stage " << st["id"] << " " << k;
      }
      EXPECT_EQ(got["batchId"], shown["batch"]["id"]);
    }
    state_hub.Unsubscribe(client);
  }

  // The current batch, as /api/current-batch and the stream's snapshot show it.
  const std::int64_t current = ref.Current();
  CurrentBatchHandler current_handler(all);
  ExpectSnapshot(Parse(current_handler.Get(Get("/api/current-batch"))), current,
                 ref.batches.at(current), "current-batch", now);
  SseClientsCollector gauge;
  SseHub hub(4, 100, gauge);
  StreamOptions stream_options;
  stream_options.heartbeat_ms = 1;  // the client leaves at the first ping
  StreamHandler stream(all, hub, stream_options);
  FakeHttpStream sse(2);  // "retry", then the snapshot; then the client leaves
  stream.Get(Get("/api/stream"), sse);
  const auto data = sse.body.find("data: ");
  ASSERT_NE(data, std::string::npos) << sse.body;
  const std::string line = sse.body.substr(data + 6, sse.body.find('\n', data) - data - 6);
  ExpectSnapshot(json::parse(line), current, ref.batches.at(current), "stream snapshot", now);

  // The workers: the current batch's latest run and since start.
  {
    const RefBatch& b = ref.batches.at(current);
    std::set<std::pair<std::string, std::string>> shown;
    for (const WorkerRow& row : holds_all.Workers()) {
      const std::pair<std::string, std::string> key{row.stage, row.worker};
      shown.insert(key);
      const std::string ctx = "worker " + row.worker + " of stage " + row.stage;
      EXPECT_EQ(row.total.completed, ref.worker_completed_total[key]) << ctx;
      EXPECT_EQ(row.total.failed, ref.worker_failed_total[key]) << ctx;
      const auto st = b.stages.find(row.stage);
      EXPECT_EQ(row.batch.completed,
                st == b.stages.end() ? 0 : st->second.CountFor(row.worker, "complete"))
          << ctx;
      EXPECT_EQ(row.batch.failed,
                st == b.stages.end() ? 0 : st->second.CountFor(row.worker, "failed"))
          << ctx;
    }
    for (const auto& [key, n] : ref.worker_completed_total) {
      EXPECT_TRUE(n == 0 || shown.count(key)) << key.first << " " << key.second;
    }
    for (const auto& [key, n] : ref.worker_failed_total) {
      EXPECT_TRUE(n == 0 || shown.count(key)) << key.first << " " << key.second;
    }
  }

  // The metrics.
  std::string text;
  AppendTextFormat(PipelineCollector::Render({holds_all.Snapshot()}), text);
  auto has = [&text](const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
  };
  EXPECT_TRUE(has("pipeline_batches_total{pipeline=\"p\",outcome=\"complete\"} " +
                  std::to_string(ref.complete_total)))
      << text;
  EXPECT_TRUE(has("pipeline_batches_total{pipeline=\"p\",outcome=\"failed\"} " +
                  std::to_string(ref.failed_total)));
  EXPECT_TRUE(has("pipeline_batch_status{pipeline=\"p\",status=\"" +
                  ref.batches.at(current).status + "\"} 1"));
  for (const auto& stage : kStages) {
    const auto& stages = ref.batches.at(current).stages;
    const auto it = stages.find(stage);
    const std::string labels = "{pipeline=\"p\",pipeline_stage=\"" + stage + "\"}";
    EXPECT_TRUE(has("pipeline_stage_files_processed" + labels + " " +
                    std::to_string(it == stages.end() ? 0 : it->second.Processed())))
        << stage;
    EXPECT_TRUE(has("pipeline_stage_files_failed" + labels + " " +
                    std::to_string(it == stages.end() ? 0 : it->second.Failed())))
        << stage;
    EXPECT_TRUE(has("pipeline_files_completed_total" + labels + " " +
                    std::to_string(ref.files_completed_total[stage])))
        << stage;
    EXPECT_TRUE(has("pipeline_files_failed_total" + labels + " " +
                    std::to_string(ref.files_failed_total[stage])))
        << stage;
    for (const auto& [key, n] : ref.worker_completed_total) {
      if (key.first != stage) continue;
      const std::string worker_labels =
          "{pipeline=\"p\",pipeline_stage=\"" + stage + "\",worker=\"" + key.second + "\"}";
      EXPECT_TRUE(
          has("pipeline_worker_files_completed_total" + worker_labels + " " + std::to_string(n)))
          << worker_labels;
      EXPECT_TRUE(has("pipeline_worker_files_failed_total" + worker_labels + " " +
                      std::to_string(ref.worker_failed_total[key])))
          << worker_labels;
    }
    for (const char* type : {"file_complete", "stage_start", "error"}) {
      const std::string series = "pipeline_events_total{pipeline=\"p\",pipeline_stage=\"" + stage +
                                 "\",event_type=\"" + type + "\"}";
      const std::int64_t n = ref.events_total[{stage, type}];
      // A type never seen in a stage has no series.
      EXPECT_TRUE(has(series + " " + std::to_string(n)) ||
                  (n == 0 && text.find(series) == std::string::npos))
          << series << " " << n;
    }
  }
}

// Seeds that once failed, kept as fixed cases: 1 — a fold holding one batch erased the batch
// it was adding (crash), then held half a run of a batch it had forgotten; 2 — the history
// past the fold missed batches that have no batch_start.
TEST(ViewsPropertyTest, SeedsThatFoundBugs) {
  for (std::uint64_t seed : {1u, 2u}) CheckSeed(seed);
}

TEST(ViewsPropertyTest, EveryViewEqualsTheReferenceForHundredsOfRandomLogs) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    CheckSeed(seed);
    if (::testing::Test::HasFailure()) break;  // the first failing seed is enough to read
  }
}

}  // namespace
}  // namespace pipeline_exporter
