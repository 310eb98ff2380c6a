#include "exporter/source/demo_scenario.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string_view>

namespace pipeline_exporter {
namespace {

struct DemoStage {
  const char* id;
  const char* title;
  double files_per_second;  // at speed 1
  double mean_ms;           // typical time one file takes
  const char* model;
};

constexpr std::array<DemoStage, 10> kStages = {{
    {"file_distribution", "File distribution", 25, 150, "rsync"},
    {"denoise", "Denoise", 9, 2200, "demucs-v4"},
    {"ivr", "IVR detection", 11, 900, "ivr-classifier-2"},
    {"lid", "Language ID", 12, 700, "lid-ecapa"},
    {"stt", "Speech to text", 6.5, 5200, "whisper-large-v3"},
    {"llm1", "LLM summary", 7.5, 3800, "llama-3-70b"},
    {"llm2", "LLM extraction", 8, 3100, "llama-3-70b"},
    {"triaging", "Triaging", 13, 450, "triage-rules-7"},
    {"metadata", "Metadata", 18, 120, "metadata-writer"},
    {"export", "Export & report", 22, 200, "report-builder"},
}};

constexpr std::array<const char*, 5> kErrors = {
    "CUDA out of memory: tried to allocate 2.00 GiB",  "timeout after 30000 ms waiting for worker",
    "invalid WAV header: unexpected chunk id",         "model returned malformed JSON",
    "connection reset by peer while uploading result",
};

constexpr std::int64_t kPauseBetweenBatchesMs = 5000;

// Six GPU workers share the files; one fails far more often than the others, and one goes
// silent in every other batch once a third of the files are taken (its files go elsewhere).
constexpr int kWorkers = 6;
constexpr int kFlakyWorker = 3;   // 10.0.3.14
constexpr int kSilentWorker = 5;  // 10.0.3.16

// Sub-stages of the phases that have them, in order; each covers an equal share of the files.
struct DemoSubStages {
  const char* stage;
  std::array<const char*, 3> ids;
};
constexpr std::array<DemoSubStages, 2> kSubStages = {{
    {"stt", {"load_model", "transcribe", "align"}},
    {"llm1", {"prompt", "generate", "validate"}},
}};

const DemoSubStages* SubStagesOf(const char* stage) {
  for (const auto& s : kSubStages) {
    if (std::string_view(s.stage) == stage) return &s;
  }
  return nullptr;
}

std::string Today(std::int64_t now_ms) {
  const std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

std::vector<StageSpec> DemoScenario::Stages() {
  std::vector<StageSpec> out;
  for (const auto& s : kStages) out.push_back({s.id, s.title});
  return out;
}

DemoScenario::DemoScenario(std::uint32_t seed, std::int64_t first_batch_id, double speed)
    : rng_(seed), speed_(speed), batch_id_(first_batch_id - 1) {}

StageEvent DemoScenario::Row(const char* type, std::size_t stage) const {
  StageEvent r;
  r.batch_id = batch_id_;
  r.event_type = type;
  if (stage < kStages.size()) r.stage = kStages[stage].id;
  return r;
}

std::string DemoScenario::FileName(int file) const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "call_%04lld_%05d.wav", static_cast<long long>(batch_id_), file);
  return buf;
}

void DemoScenario::StartBatch(std::int64_t now_ms, std::vector<StageEvent>& out) {
  ++batch_id_;
  ++batch_number_;
  files_ = std::uniform_int_distribution<int>(240, 420)(rng_);
  runs_.assign(kStages.size(), StageRun{});
  for (auto& run : runs_) run.done.assign(static_cast<std::size_t>(files_), 0);
  running_ = true;
  StageEvent start = Row("batch_start", kStages.size());
  start.total_files = files_;
  start.request_payload = WholeText(nlohmann::json{
      {"batchDate", Today(now_ms)},
      {"batchNumber", batch_number_},
      {"source", "s3://calls-inbox/" + Today(now_ms)},
      {"requestedBy", "scheduler"}}.dump());
  start.batch_metadata = start.request_payload->text;
  out.push_back(std::move(start));
  StageEvent info = Row("info", kStages.size());
  info.error_message = "batch accepted: " + std::to_string(files_) + " files";
  out.push_back(std::move(info));
}

void DemoScenario::ProcessFile(std::size_t k, int file, bool retry, std::vector<StageEvent>& out) {
  const DemoStage& st = kStages[k];
  StageRun& run = runs_[k];
  const std::string name = FileName(file);
  int worker = file % kWorkers;
  if (worker == kSilentWorker && batch_number_ % 2 == 0 && file * 3 >= files_) {
    worker = file % (kWorkers - 1);
  }
  const std::string gpu = "10.0.3." + std::to_string(11 + worker);
  StageEvent begin = Row("file_start", k);
  begin.file_name = name;
  begin.gpu_ip = gpu;
  out.push_back(std::move(begin));

  std::lognormal_distribution<double> took(std::log(st.mean_ms), 0.35);
  const auto duration = static_cast<std::int64_t>(took(rng_));
  const double failure_rate = worker == kFlakyWorker ? 0.12 : 0.01;
  const bool fails = !retry && std::uniform_real_distribution<double>(0, 1)(rng_) < failure_rate;
  if (fails) {
    StageEvent err = Row("error", k);
    err.file_name = name;
    err.gpu_ip = gpu;
    err.error_message = kErrors[static_cast<std::size_t>(file) % kErrors.size()];
    out.push_back(std::move(err));
    ++run.failed;
    // Two in five failed files are retried once, later in the stage.
    if (std::uniform_int_distribution<int>(0, 4)(rng_) < 2) run.retry_queue.push_back(file);
  } else {
    StageEvent done = Row("file_complete", k);
    done.file_name = name;
    done.gpu_ip = gpu;
    done.duration_ms = duration;
    done.request_payload = WholeText(nlohmann::json{
        {"file", name},
        {"stage", st.id},
        {"model", st.model},
        {"attempt", retry ? 2 : 1}}.dump());
    done.response = WholeText(nlohmann::json{
        {"status", "ok"},
        {"model", st.model},
        {"confidence", std::round(900.0 + file % 97) / 1000.0},
        {"output", std::string(st.id) + "/" + name +
                       ".json"}}.dump());
    out.push_back(std::move(done));
    if (retry) --run.failed;
    ++run.processed;
  }
  if (!retry) run.done[static_cast<std::size_t>(file)] = 1;
  if (++run.since_checkpoint >= 10) {
    run.since_checkpoint = 0;
    StageEvent cp = Row("stage_progress", k);
    cp.total_files = files_;
    cp.processed_files = run.processed;
    cp.failed_files = run.failed;
    out.push_back(std::move(cp));
  }
}

void DemoScenario::StepStage(std::size_t k, double seconds, std::vector<StageEvent>& out) {
  StageRun& run = runs_[k];
  if (run.completed) return;
  // Files this stage may work on: those its predecessor has finished.
  int available = files_;
  if (k > 0) {
    const StageRun& prev = runs_[k - 1];
    available = 0;
    while (available < files_ && prev.done[static_cast<std::size_t>(available)]) ++available;
  }
  if (!run.started) {
    if (available < std::min(files_, 8) && !(k > 0 && runs_[k - 1].completed)) return;
    run.started = true;
    StageEvent start = Row("stage_start", k);
    start.total_files = files_;
    out.push_back(std::move(start));
  }
  run.budget += kStages[k].files_per_second * speed_ * seconds;
  const DemoSubStages* subs = SubStagesOf(kStages[k].id);
  while (run.budget >= 1 && run.next_file < available) {
    run.budget -= 1;
    if (subs) {
      // The sub-stage a file falls in: the previous one completes when the next begins.
      const auto n = static_cast<int>(subs->ids.size());
      const int part = run.next_file * n / files_;
      if (run.next_file == 0 || part != (run.next_file - 1) * n / files_) {
        if (run.next_file > 0) {
          StageEvent end = Row("substage_complete", k);
          end.sub_stage = subs->ids[static_cast<std::size_t>(part - 1)];
          out.push_back(std::move(end));
        }
        StageEvent begin = Row("substage_start", k);
        begin.sub_stage = subs->ids[static_cast<std::size_t>(part)];
        out.push_back(std::move(begin));
      }
    }
    ProcessFile(k, run.next_file++, false, out);
    if (run.next_file % 97 == 0) {
      StageEvent warn = Row("warning", k);
      warn.gpu_ip = "10.0.3." + std::to_string(11 + run.next_file % (kWorkers - 1));
      warn.error_message = "GPU memory above 90% on worker";
      out.push_back(std::move(warn));
    }
  }
  if (run.next_file == files_ && !run.retry_queue.empty() && run.budget >= 1) {
    run.budget -= 1;
    const int file = run.retry_queue.back();
    run.retry_queue.pop_back();
    ProcessFile(k, file, true, out);
  }
  if (run.next_file < available || run.budget > 4) run.budget = std::min(run.budget, 4.0);
  const bool upstream_done = k == 0 || runs_[k - 1].completed;
  if (run.next_file == files_ && run.retry_queue.empty() && upstream_done) {
    run.completed = true;
    if (subs) {
      StageEvent end = Row("substage_complete", k);
      end.sub_stage = subs->ids.back();
      out.push_back(std::move(end));
    }
    StageEvent done = Row("stage_complete", k);
    done.total_files = files_;
    done.processed_files = run.processed;
    done.failed_files = run.failed;
    out.push_back(std::move(done));
  }
}

std::vector<StageEvent> DemoScenario::Control(ControlAction action) {
  std::vector<StageEvent> out;
  if (!running_) return out;
  switch (action) {
    case ControlAction::kPause:
      if (paused_) return out;
      paused_ = true;
      out.push_back(Row("batch_paused", kStages.size()));
      break;
    case ControlAction::kResume:
      if (!paused_) return out;
      paused_ = false;
      out.push_back(Row("batch_resumed", kStages.size()));
      break;
    case ControlAction::kCancel:
      paused_ = false;
      running_ = false;
      pause_left_ms_ = static_cast<std::int64_t>(kPauseBetweenBatchesMs / std::max(speed_, 0.1));
      out.push_back(Row("batch_canceled", kStages.size()));
      break;
  }
  return out;
}

std::vector<StageEvent> DemoScenario::Advance(std::int64_t elapsed_ms, std::int64_t now_ms) {
  std::vector<StageEvent> out;
  if (paused_) return out;
  if (!running_) {
    pause_left_ms_ -= elapsed_ms;
    if (pause_left_ms_ > 0) return out;
    StartBatch(now_ms, out);
  }
  const double seconds = static_cast<double>(elapsed_ms) / 1000.0;
  for (std::size_t k = 0; k < kStages.size(); ++k) StepStage(k, seconds, out);
  if (runs_.back().completed) {
    StageEvent done = Row("batch_complete", kStages.size());
    done.total_files = files_;
    out.push_back(std::move(done));
    running_ = false;
    pause_left_ms_ = static_cast<std::int64_t>(kPauseBetweenBatchesMs / std::max(speed_, 0.1));
  }
  return out;
}

}  // namespace pipeline_exporter
