// The pipeline_exporter page: live stage cards (with sub-stages), the event log, workers,
// error groups, batch history, alerts and a payload viewer — one module per concern, put together here. After the stream's
// snapshot the page is driven by the stream alone (rows, then `stage` and `batch` messages);
// it asks the API only for what the user asks for, when another batch is shown, and for the
// error groups at most every 10 s. Every text from the database is inserted as text
// (dom.js), never as HTML. This module keeps only what is shown: the pipeline, the live
// batch, and the past batch viewed.

import { AlertsPanel } from './alerts.js';
import { Api, findEvent, getJson } from './api.js';
import { Cards } from './cards.js';
import { BatchControl } from './control.js';
import { $, el } from './dom.js';
import { ErrorGroupsPanel } from './error_groups.js';
import { EventLog } from './event_log.js';
import { fmtNum } from './format.js';
import { FrameQueue } from './frame.js';
import { BatchHistory } from './history.js';
import { Stream } from './stream.js';
import { initTheme } from './theme.js';
import { PayloadViewer } from './viewer.js';
import { WorkersPanel } from './workers.js';

const ERROR_TYPES = new Set(['error', 'stage_failed', 'batch_failed']);

class Page {
  constructor(info) {
    this.api = new Api();
    this.live = null;          // the live batch JSON (from the stream)
    this.viewingBatch = null;  // a past batch id, or null when live
    this.linkedBatch = null;   // the batch of a linked event, shown after the first snapshot
    this.pipelines = info.pipelines.map((p) => p.name);
    this.addressNamedPipeline = false;  // the address named the pipeline (?pipeline=)
    const openEvent = (id) => this.viewer.open(id);
    this.viewer = new PayloadViewer(this.api);
    this.frame = new FrameQueue(() => this.flush());
    this.cards = new Cards(openEvent);
    this.log = new EventLog(this.api, openEvent, () => this.frame.request());
    this.log.setTypes(info.eventTypes);
    this.errors = new ErrorGroupsPanel(this.api, openEvent);
    this.history = new BatchHistory(this.api, (id) => this.viewBatch(id));
    this.control = new BatchControl(this.api, info.control);
    this.alerts = new AlertsPanel(this.api, info.alerts);
    this.workers = new WorkersPanel(this.api);
    this.stream = new Stream(info.eventTypes, {
      onSnapshot: (snap) => this.onSnapshot(snap),
      onEvent: (ev) => this.onEvent(ev),
      onStage: (s) => this.onStage(s),
      onBatch: (b) => this.onBatch(b),
      onState: (name, text) => {
        const c = $('conn');
        c.dataset.state = name;
        c.textContent = text;
      },
    });
    $('back-live').addEventListener('click', () => this.backToLive());
    setInterval(() => {
      if (document.hidden) return;
      this.cards.tick();
      this.history.tick();
    }, 1000);
  }

  liveId() { return this.live ? this.live.id : null; }

  flush() {
    this.cards.flush();
    this.log.flush();
  }

  renderBatch(b) {
    $('batch-id').textContent = b ? String(b.id) : '–';
    $('batch-date').textContent = b && b.date ? b.date : '';
    $('batch-number').textContent = b && b.number ? `#${b.number}` : '';
    const status = $('batch-status');
    status.textContent = b ? b.status : 'no batch';
    status.dataset.status = b ? b.status : 'pending';
    $('batch-files').textContent = b && b.files !== null ? `${fmtNum(b.files)} files` : '';
    this.control.show(b, this.viewingBatch === null);
  }

  // The whole state: on connecting, and when the stream had to start again.
  onSnapshot(snap) {
    const before = this.liveId();
    this.live = snap.batch;
    if (this.viewingBatch !== null) return;
    this.renderBatch(snap.batch);
    this.cards.render(snap.stages, this.liveId());
    this.log.fillStages(snap.stages);
    this.frame.request();
    if (!this.shown || before !== this.liveId()) this.showLiveBatch();
    this.showLinkedBatch();
  }

  // The live batch's log and errors from their newest (another batch, or the first time).
  showLiveBatch() {
    this.shown = true;
    this.log.show(this.liveId());
    this.errors.show(this.liveId());
  }

  onEvent(ev) {
    if (this.viewingBatch !== null) return;
    if (ev.stage) this.cards.addRecent(ev);
    this.log.addLive(ev);
    if (ERROR_TYPES.has(ev.eventType) && ev.batchId === this.liveId()) this.errors.noteError();
    if (ev.gpuIp && ev.batchId === this.liveId()) this.workers.noteWorkerRow();
    this.frame.request();
  }

  onStage(s) {
    if (this.viewingBatch !== null || s.batchId !== this.liveId()) return;
    this.cards.update(s, s.batchId);
    this.frame.request();
  }

  onBatch(b) {
    const before = this.live;
    this.live = b;
    if (!before || !b || before.id !== b.id || before.status !== b.status) this.history.refreshSoon();
    if (this.viewingBatch !== null) return;
    this.renderBatch(b);
    if ((before && before.id) !== (b && b.id) || (before && before.runStartId) !== (b && b.runStartId)) {
      this.showLiveBatch();
    }
  }

  async viewBatch(id) {
    try {
      const stats = await this.api.get(`/api/batch/${id}/stats`);
      this.viewingBatch = id;
      $('viewing').hidden = false;
      $('viewing-id').textContent = String(id);
      this.renderBatch(stats.batch);
      this.cards.render(stats.stages, id);
      this.frame.request();
      this.log.show(id);
      this.errors.show(id);
    } catch (err) {
      console.warn(err);
    }
  }

  async backToLive() {
    this.viewingBatch = null;
    $('viewing').hidden = true;
    history.replaceState(null, '', window.location.pathname + window.location.search);
    try {
      // The stream went on while a past batch was shown: the state once, then the stream again.
      this.onSnapshot(await this.api.get('/api/current-batch'));
    } catch (err) {
      console.warn(err);
    }
    this.showLiveBatch();
  }

  selectPipeline(name) {
    this.api.pipeline = name;
    this.viewingBatch = null;
    this.live = null;
    this.shown = false;
    this.cards.clear();
    $('viewing').hidden = true;
    const url = new URL(window.location);
    url.searchParams.set('pipeline', name);
    history.replaceState(null, '', url);
    this.history.load(true);
    this.alerts.load();
    this.workers.load();
    this.stream.open(name);  // its snapshot shows the live batch
  }

  // `#event=ID` opens an event, `#batch=ID` a batch (links from Grafana's exemplars, alerts
  // and the payload viewer).
  followHash() {
    const m = /^#(event|batch)=([1-9][0-9]{0,17})$/.exec(window.location.hash);
    if (!m) return;
    if (m[1] === 'event') this.openLinkedEvent(Number(m[2]));
    else this.viewBatch(Number(m[2]));
  }

  // A linked event: in the pipeline the address names, else the first pipeline that has it
  // (an exemplar's link knows only the id); its viewer; and its batch when not the live one.
  async openLinkedEvent(id) {
    const others = this.pipelines.filter((n) => n !== this.api.pipeline);
    const found = await findEvent(id, this.addressNamedPipeline ? [this.api.pipeline] : [this.api.pipeline, ...others]);
    if (found && found.pipeline !== this.api.pipeline) {
      $('pipeline').value = found.pipeline;
      this.selectPipeline(found.pipeline);
    }
    this.viewer.open(id);  // says so when the event was not found
    if (!found) return;
    this.linkedBatch = found.event.batchId;
    this.showLinkedBatch();
  }

  showLinkedBatch() {
    if (this.linkedBatch === null || !this.shown) return;  // waits for the stream's snapshot
    const id = this.linkedBatch;
    this.linkedBatch = null;
    if (id !== this.liveId() && id !== this.viewingBatch) this.viewBatch(id);
  }

  start(info) {
    $('pipeline').addEventListener('change', (e) => this.selectPipeline(e.target.value));
    $('pipeline').replaceChildren(...info.pipelines.map((p) => el('option', { value: p.name }, p.name)));
    if (info.grafanaUrl && /^https?:\/\//i.test(info.grafanaUrl)) {
      const a = $('grafana');
      a.href = info.grafanaUrl;
      a.hidden = false;
    }
    const wanted = new URLSearchParams(window.location.search).get('pipeline');
    this.addressNamedPipeline = info.pipelines.some((p) => p.name === wanted);
    const first = this.addressNamedPipeline ? wanted : info.pipelines[0].name;
    $('pipeline').value = first;
    this.selectPipeline(first);
    window.addEventListener('hashchange', () => this.followHash());
    this.followHash();
  }
}

initTheme();
getJson('/api/pipelines').then((info) => new Page(info).start(info));
