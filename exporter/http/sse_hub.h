#pragma once
// Fans the events each PipelineStore applies out to the open event streams, each burst
// followed by the state it led to: a `stage` message for every stage whose figures changed
// and a `batch` message when the batch's did (SPEC §5), so a page needs no polling. Every client
// has a bounded queue: a client that cannot keep up is dropped (its stream ends), never
// slowing the tail or the other clients. The number of clients is capped; when it is
// reached, clients whose connection has closed give up their slots first, so a flood of
// connects and disconnects cannot keep slots held after the clients left.
// Thread-safe: OnApplied runs on tail threads, streams on civetweb's worker threads.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "exporter/core/fold/event_listener.h"
#include "exporter/http/sse_clients_collector.h"

namespace pipeline_exporter {

class SseHub final : public EventListener {
 public:
  struct Message {
    std::int64_t id;   // the row's id; 0 for a `stage` or `batch` message
    std::string text;  // a whole SSE message
  };

  // Whether a client's connection has been closed by its peer. Called under the hub's lock
  // from any stream's thread, only while that client is subscribed.
  using GoneCheck = std::function<bool()>;

  // One open stream. Its handler waits on it with Next().
  class Client {
   public:
    explicit Client(std::string pipeline) : pipeline_(std::move(pipeline)) {}
    // Waits up to `timeout_ms` for messages; empty on timeout. `ended` is set when the
    // client was dropped (too slow) or the hub closed.
    std::vector<Message> Next(std::int64_t timeout_ms, bool* ended);
    const std::string& pipeline() const { return pipeline_; }

   private:
    friend class SseHub;
    std::string pipeline_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Message> queue_;
    bool ended_ = false;
    GoneCheck gone_;  // set once at Subscribe; used under the hub's lock
  };

  SseHub(std::size_t max_clients, std::size_t queue_limit, SseClientsCollector& gauge)
      : max_clients_(max_clients), queue_limit_(queue_limit), gauge_(gauge) {}

  // nullptr when the cap is reached (after freeing the slots of clients whose connection
  // has closed) or the hub is closed.
  std::shared_ptr<Client> Subscribe(const std::string& pipeline, GoneCheck gone = {});
  void Unsubscribe(const std::shared_ptr<Client>& client);

  void OnApplied(const std::string& pipeline, const std::vector<StageEvent>& events,
                 const PipelineSnapshot& after) override;

  // The `batch` and `stage` messages that bring a page from `before` to `after`: the batch
  // when its figures changed, each stage whose figures changed; everything when `before` is
  // null or shows another batch or run. Pure.
  static std::vector<std::string> StateMessages(const PipelineSnapshot* before,
                                                const PipelineSnapshot& after);

  // Ends every stream (shutdown).
  void Close();

 private:
  const std::size_t max_clients_;
  const std::size_t queue_limit_;
  SseClientsCollector& gauge_;
  std::mutex mu_;
  std::vector<std::shared_ptr<Client>> clients_;
  std::map<std::string, PipelineSnapshot> last_state_;  // per pipeline, what was last sent
  bool closed_ = false;
};

}  // namespace pipeline_exporter
