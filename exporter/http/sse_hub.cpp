#include "exporter/http/sse_hub.h"

#include <algorithm>
#include <chrono>

#include "exporter/http/api_json.h"

namespace pipeline_exporter {

std::vector<SseHub::Message> SseHub::Client::Next(std::int64_t timeout_ms, bool* ended) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
               [this] { return ended_ || !queue_.empty(); });
  *ended = ended_;
  std::vector<Message> out(std::make_move_iterator(queue_.begin()),
                           std::make_move_iterator(queue_.end()));
  queue_.clear();
  return out;
}

std::shared_ptr<SseHub::Client> SseHub::Subscribe(const std::string& pipeline, GoneCheck gone) {
  std::lock_guard lock(mu_);
  if (closed_) return nullptr;
  if (clients_.size() >= max_clients_) {
    // Slots of clients that have left are freed now, not when their stream next wakes.
    for (auto it = clients_.begin(); it != clients_.end();) {
      Client& c = **it;
      if (c.gone_ && c.gone_()) {
        {
          std::lock_guard client_lock(c.mu_);
          c.ended_ = true;
        }
        c.cv_.notify_all();
        it = clients_.erase(it);
        gauge_.Add(-1);
      } else {
        ++it;
      }
    }
    if (clients_.size() >= max_clients_) return nullptr;
  }
  auto client = std::make_shared<Client>(pipeline);
  client->gone_ = std::move(gone);
  clients_.push_back(client);
  gauge_.Add(1);
  return client;
}

void SseHub::Unsubscribe(const std::shared_ptr<Client>& client) {
  std::lock_guard lock(mu_);
  auto it = std::find(clients_.begin(), clients_.end(), client);
  if (it == clients_.end()) return;
  clients_.erase(it);
  gauge_.Add(-1);
}

namespace {

bool SameBatch(const std::optional<BatchSnapshot>& a, const std::optional<BatchSnapshot>& b) {
  if (!a || !b) return !a && !b;
  return a->id == b->id && a->run_start_id == b->run_start_id;
}

bool SameBatchFigures(const BatchSnapshot& a, const BatchSnapshot& b) {
  return a.status == b.status && a.files == b.files &&
         a.end_timestamp_seconds == b.end_timestamp_seconds && a.batch_date == b.batch_date &&
         a.batch_number == b.batch_number && a.control.size() == b.control.size() &&
         (a.control.empty() || a.control.back().id == b.control.back().id);
}

bool SameSubStages(const std::vector<SubStageSnapshot>& a, const std::vector<SubStageSnapshot>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id || a[i].status != b[i].status ||
        a[i].start_timestamp_seconds != b[i].start_timestamp_seconds ||
        a[i].end_timestamp_seconds != b[i].end_timestamp_seconds) {
      return false;
    }
  }
  return true;
}

bool SameStageFigures(const StageSnapshot& a, const StageSnapshot& b) {
  return a.id == b.id && a.status == b.status && a.total == b.total && a.processed == b.processed &&
         a.failed == b.failed && a.duration_seconds.has_value() == b.duration_seconds.has_value() &&
         SameSubStages(a.sub_stages, b.sub_stages);
}

}  // namespace

std::vector<std::string> SseHub::StateMessages(const PipelineSnapshot* before,
                                               const PipelineSnapshot& after) {
  const bool all = !before || !SameBatch(before->current_batch, after.current_batch);
  const Json batch_id = after.current_batch ? Json(after.current_batch->id) : Json(nullptr);
  std::vector<std::string> out;
  if (all ||
      (after.current_batch && !SameBatchFigures(*before->current_batch, *after.current_batch))) {
    Json j;
    j["batch"] = after.current_batch ? BatchJson(*after.current_batch) : Json(nullptr);
    out.push_back(SseMessage("batch", Dump(j)));
  }
  for (std::size_t i = 0; i < after.stages.size(); ++i) {
    if (!all && i < before->stages.size() && SameStageFigures(before->stages[i], after.stages[i]))
      continue;
    Json j = StageJson(after.stages[i], i);
    j["batchId"] = batch_id;
    out.push_back(SseMessage("stage", Dump(j)));
  }
  return out;
}

void SseHub::OnApplied(const std::string& pipeline, const std::vector<StageEvent>& events,
                       const PipelineSnapshot& after) {
  std::vector<std::shared_ptr<Client>> targets;
  PipelineSnapshot before;
  bool had_before = false;
  {
    std::lock_guard lock(mu_);
    for (const auto& c : clients_) {
      if (c->pipeline() == pipeline) targets.push_back(c);
    }
    auto it = last_state_.find(pipeline);
    if (it != last_state_.end()) {
      before = std::move(it->second);
      had_before = true;
      it->second = after;
    } else {
      last_state_.emplace(pipeline, after);
    }
  }
  if (targets.empty()) return;
  std::vector<Message> messages;
  messages.reserve(events.size() + after.stages.size() + 1);
  for (const StageEvent& e : events) {
    messages.push_back({e.id, SseMessage(e.id, e.event_type, Dump(EventJson(e)))});
  }
  for (std::string& m : StateMessages(had_before ? &before : nullptr, after)) {
    messages.push_back({0, std::move(m)});
  }
  for (const auto& c : targets) {
    {
      std::lock_guard lock(c->mu_);
      if (c->ended_) continue;
      if (c->queue_.size() + messages.size() > queue_limit_) {
        // Too slow: end its stream; the browser reconnects and resumes from its last id.
        c->ended_ = true;
        c->queue_.clear();
      } else {
        c->queue_.insert(c->queue_.end(), messages.begin(), messages.end());
      }
    }
    c->cv_.notify_all();
  }
}

void SseHub::Close() {
  std::vector<std::shared_ptr<Client>> all;
  {
    std::lock_guard lock(mu_);
    closed_ = true;
    all = clients_;
  }
  for (const auto& c : all) {
    {
      std::lock_guard lock(c->mu_);
      c->ended_ = true;
    }
    c->cv_.notify_all();
  }
}

}  // namespace pipeline_exporter
