// The live connection: an EventSource on /api/stream that resumes from the last event id,
// reconnects with backoff when the browser gives up, and hands snapshots and events on.

export const EVENT_TYPES = ['batch_start', 'batch_complete', 'batch_failed', 'stage_start',
  'stage_progress', 'stage_complete', 'stage_failed', 'file_start', 'file_complete', 'error',
  'warning', 'info'];

export class Stream {
  // onSnapshot(snapshot), onEvent(event), onState(name, text).
  constructor({ onSnapshot, onEvent, onState }) {
    this.handlers = { onSnapshot, onEvent, onState };
    this.pipeline = null;
    this.lastEventId = null;
    this.source = null;
    this.backoff = 1000;
    this.reconnectTimer = null;
  }

  // Starts again for another pipeline, from its snapshot.
  open(pipeline) {
    this.pipeline = pipeline;
    this.lastEventId = null;
    this.connect();
  }

  connect() {
    clearTimeout(this.reconnectTimer);
    if (this.source) this.source.close();
    const params = { pipeline: this.pipeline };
    if (this.lastEventId) params.last_event_id = this.lastEventId;
    const es = new EventSource(`/api/stream?${new URLSearchParams(params)}`);
    this.source = es;
    const { onSnapshot, onEvent, onState } = this.handlers;
    onState('connecting', 'connecting…');
    es.addEventListener('open', () => {
      this.backoff = 1000;
      onState('live', 'live');
    });
    es.addEventListener('error', (e) => {
      // Pipeline events of type "error" arrive under the same name as EventSource's own
      // connection errors; only the former carry data.
      if (e.data !== undefined) return;
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (e.g. a 503): retry ourselves, backing off.
        onState('offline', `offline — retrying in ${Math.round(this.backoff / 1000)}s`);
        this.reconnectTimer = setTimeout(() => this.connect(), this.backoff);
        this.backoff = Math.min(this.backoff * 2, 30000);
      } else {
        onState('reconnecting', 'reconnecting…');
      }
    });
    es.addEventListener('snapshot', (e) => {
      this.lastEventId = e.lastEventId || this.lastEventId;
      onSnapshot(JSON.parse(e.data));
    });
    for (const t of EVENT_TYPES) {
      es.addEventListener(t, (e) => {
        const ev = JSON.parse(e.data);
        this.lastEventId = e.lastEventId || String(ev.id);
        onEvent(ev);
      });
    }
  }
}
