// The live connection: an EventSource on /api/stream that resumes from the last event id,
// reconnects with backoff when the browser gives up, and hands on what it carries: the
// snapshot, each row, and the state messages (`stage`, `batch`) that keep the figures current.

export class Stream {
  // eventTypes: the row event names (from /api/pipelines). Handlers: onSnapshot(snapshot),
  // onEvent(row), onStage(stage), onBatch(batch or null), onState(name, text).
  constructor(eventTypes, handlers) {
    this.eventTypes = eventTypes;
    this.handlers = handlers;
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
    const { onSnapshot, onEvent, onStage, onBatch, onState } = this.handlers;
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
    es.addEventListener('stage', (e) => onStage(JSON.parse(e.data)));
    es.addEventListener('batch', (e) => onBatch(JSON.parse(e.data).batch));
    for (const t of this.eventTypes) {
      es.addEventListener(t, (e) => {
        const ev = JSON.parse(e.data);
        this.lastEventId = e.lastEventId || String(ev.id);
        onEvent(ev);
      });
    }
  }
}
