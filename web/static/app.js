// The pipeline_exporter page: live stage cards from /api/stream, the event log, error groups,
// batch history and a payload viewer — one module per concern, put together here. Every text
// from the database is inserted as text (dom.js), never as HTML. State lives with the module
// it belongs to; this one keeps only what is shown: the pipeline, the batch, live or past.

import { Api, getJson } from './api.js';
import { Cards } from './cards.js';
import { $, el } from './dom.js';
import { loadErrorGroups } from './error_groups.js';
import { EventLog } from './event_log.js';
import { fmtNum } from './format.js';
import { BatchHistory } from './history.js';
import { Stream } from './stream.js';
import { initTheme } from './theme.js';
import { PayloadViewer } from './viewer.js';

class Page {
  constructor() {
    this.api = new Api();
    this.snapshot = null;      // the batch JSON shown in the cards
    this.viewingBatch = null;  // a past batch id, or null when live
    this.refreshTimer = null;
    const openEvent = (id) => this.viewer.open(id);
    this.viewer = new PayloadViewer(this.api);
    this.cards = new Cards(openEvent);
    this.log = new EventLog(this.api, () => this.shownBatchId(), openEvent);
    this.history = new BatchHistory(this.api, (id) => this.viewBatch(id));
    this.stream = new Stream({
      onSnapshot: (snap) => { if (this.viewingBatch === null) this.renderSnapshot(snap); },
      onEvent: (ev) => this.onEvent(ev),
      onState: (name, text) => {
        const c = $('conn');
        c.dataset.state = name;
        c.textContent = text;
      },
    });
    $('back-live').addEventListener('click', () => this.backToLive());
  }

  shownBatchId() {
    if (this.viewingBatch !== null) return this.viewingBatch;
    return this.snapshot && this.snapshot.batch ? this.snapshot.batch.id : null;
  }

  loadErrors() {
    return loadErrorGroups(this.api, this.shownBatchId(), (id) => this.viewer.open(id));
  }

  renderSnapshot(snap) {
    this.snapshot = snap;
    const b = snap.batch;
    $('batch-id').textContent = b ? String(b.id) : '–';
    $('batch-date').textContent = b && b.date ? b.date : '';
    $('batch-number').textContent = b && b.number ? `#${b.number}` : '';
    const status = $('batch-status');
    status.textContent = b ? b.status : 'no batch';
    status.dataset.status = b ? b.status : 'pending';
    $('batch-files').textContent = b && b.files !== null ? `${fmtNum(b.files)} files` : '';
    this.cards.render(snap.stages);
    this.log.fillStages(snap.stages);
  }

  onEvent(ev) {
    if (ev.stage) this.cards.addRecent(ev);
    if (this.viewingBatch !== null) return;
    const current = this.snapshot && this.snapshot.batch;
    if (current && ev.batchId === current.id) this.log.addLive(ev);
    this.scheduleRefresh(!current || ev.batchId !== current.id || ev.eventType.startsWith('batch_'));
  }

  // Stage figures come from the server's state, fetched at most a few times a second.
  scheduleRefresh(batchChanged) {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(async () => {
      this.refreshTimer = null;
      try {
        const before = this.snapshot && this.snapshot.batch && this.snapshot.batch.id;
        const snap = await this.api.get('/api/current-batch');
        if (this.viewingBatch !== null) return;
        this.renderSnapshot(snap);
        const now = snap.batch && snap.batch.id;
        if (batchChanged || now !== before) {
          this.log.load(true);
          this.loadErrors();
          this.history.load(true);
        } else {
          this.loadErrors();
        }
      } catch (err) {
        console.warn(err);
      }
    }, 250);
  }

  async viewBatch(id) {
    try {
      const stats = await this.api.get(`/api/batch/${id}/stats`);
      this.viewingBatch = id;
      $('viewing').hidden = false;
      $('viewing-id').textContent = String(id);
      this.renderSnapshot(stats);
      this.log.load(true);
      this.loadErrors();
    } catch (err) {
      console.warn(err);
    }
  }

  async backToLive() {
    this.viewingBatch = null;
    $('viewing').hidden = true;
    this.renderSnapshot(await this.api.get('/api/current-batch'));
    this.log.load(true);
    this.loadErrors();
  }

  async selectPipeline(name) {
    this.api.pipeline = name;
    this.viewingBatch = null;
    this.cards.clear();
    $('viewing').hidden = true;
    const url = new URL(window.location);
    url.searchParams.set('pipeline', name);
    history.replaceState(null, '', url);
    try {
      this.renderSnapshot(await this.api.get('/api/current-batch'));
    } catch (err) {
      console.warn(err);
    }
    this.log.load(true);
    this.loadErrors();
    this.history.load(true);
    this.stream.open(name);
  }

  async start() {
    $('pipeline').addEventListener('change', (e) => this.selectPipeline(e.target.value));
    const info = await getJson('/api/pipelines');
    $('pipeline').replaceChildren(...info.pipelines.map((p) => el('option', { value: p.name }, p.name)));
    if (info.grafanaUrl && /^https?:\/\//i.test(info.grafanaUrl)) {
      const a = $('grafana');
      a.href = info.grafanaUrl;
      a.hidden = false;
    }
    const wanted = new URLSearchParams(window.location.search).get('pipeline');
    const first = info.pipelines.some((p) => p.name === wanted) ? wanted : info.pipelines[0].name;
    $('pipeline').value = first;
    await this.selectPipeline(first);
  }
}

initTheme();
new Page().start();
