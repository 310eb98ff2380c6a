#include "exporter/http/stream_handler.h"

#include <algorithm>
#include <set>

#include "exporter/core/fold/event_validator.h"
#include "exporter/http/api_json.h"
#include "exporter/http/api_params.h"

namespace pipeline_exporter {

void StreamHandler::Get(const HttpRequest& r, HttpStream& out) const {
  HttpResponse error;
  const ApiPipeline* p = registry_.Resolve(r, &error);
  if (!p) {
    out.Respond(error);
    return;
  }
  out.ClientGone();  // looks the connection up now, on this thread, before others may ask
  auto client = hub_.Subscribe(p->store->name(), [&out] { return out.ClientGone(); });
  if (!client) {
    HttpResponse busy = HttpResponse::JsonError(503, "too many event streams", "try again later");
    busy.headers.emplace_back("Retry-After", "3");
    out.Respond(busy);
    return;
  }
  struct Leave {
    SseHub& hub;
    std::shared_ptr<SseHub::Client> client;
    ~Leave() { hub.Unsubscribe(client); }
  } leave{hub_, client};

  if (!out.Begin(200, {{"Content-Type", "text/event-stream"},
                       {"Cache-Control", "no-cache"},
                       {"X-Accel-Buffering", "no"}})) {
    return;
  }
  if (!out.Write("retry: 3000\n\n")) return;

  // Resume from Last-Event-ID when it is a valid id; anything else gets a snapshot.
  std::optional<std::int64_t> last_id;
  if (auto h = r.Header("last-event-id")) last_id = ParsePositiveId(*h);
  if (!last_id) {
    if (auto q = r.Param("last_event_id")) last_id = ParsePositiveId(*q);
  }
  std::set<std::int64_t> replayed;
  bool need_snapshot = !last_id;
  if (last_id) {
    try {
      const auto rows = p->after->ReadAfter(*last_id, options_.max_resume_events + 1);
      if (rows.size() > options_.max_resume_events) {
        need_snapshot = true;  // too far behind: start again from the state
      } else {
        for (const auto& row : rows) {
          if (ValidateEvent(row).reason) continue;
          replayed.insert(row.id);
          if (!out.Write(SseMessage(row.id, row.event_type, Dump(EventJson(row))))) return;
        }
      }
    } catch (const std::exception&) {
      need_snapshot = true;
    }
  }
  const PipelineSnapshot snap = p->store->Snapshot();
  if (need_snapshot) {
    if (!out.Write(SseMessage(snap.tail.last_event_id, "snapshot", Dump(SnapshotJson(snap))))) {
      return;
    }
  } else {
    // Resumed: the rows missed, then the state they led to, so the figures are current too.
    for (const std::string& m : SseHub::StateMessages(nullptr, snap)) {
      if (!out.Write(m)) return;
    }
  }

  // Waits in slices of at most a second, so a client that has left frees its slot within
  // about a second even when no event comes (SPEC §5).
  const std::int64_t slice = std::min<std::int64_t>(options_.heartbeat_ms, 1000);
  std::int64_t quiet_ms = 0;
  for (;;) {
    bool ended = false;
    const auto messages = client->Next(slice, &ended);
    if (ended || out.ClientGone()) return;
    if (messages.empty()) {
      quiet_ms += slice;
      if (quiet_ms < options_.heartbeat_ms) continue;
      quiet_ms = 0;
      if (!out.Write(": ping\n\n")) return;
      continue;
    }
    quiet_ms = 0;
    for (const auto& m : messages) {
      if (replayed.count(m.id)) continue;
      if (!out.Write(m.text)) return;
    }
  }
}

}  // namespace pipeline_exporter
