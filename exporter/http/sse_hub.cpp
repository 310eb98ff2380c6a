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

void SseHub::OnApplied(const std::string& pipeline, const std::vector<StageEvent>& events) {
  std::vector<std::shared_ptr<Client>> targets;
  {
    std::lock_guard lock(mu_);
    for (const auto& c : clients_) {
      if (c->pipeline() == pipeline) targets.push_back(c);
    }
  }
  if (targets.empty()) return;
  std::vector<Message> messages;
  messages.reserve(events.size());
  for (const StageEvent& e : events) {
    messages.push_back({e.id, SseMessage(e.id, e.event_type, Dump(EventJson(e)))});
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
