// The workers panel: every worker (gpuIp) of every stage with its figures in the batch shown
// live and since start, as the exporter computes them (GET /api/workers); sortable by failure
// ratio, throughput or files; a worker gone silent while its stage is processing is marked.
// Loaded with the pipeline; while live, rows naming a worker make it refresh at most once
// every 10 s, and only while the page is visible.

import { $, el } from './dom.js';
import { fmtDuration, fmtNum, fmtTime } from './format.js';

const MIN_INTERVAL_MS = 10_000;
const SHOWN = 30;  // rows before "show all"
const SORTS = {
  failure: (r) => (r.batch.failureRatio ?? -1),
  throughput: (r) => (r.batch.filesPerSecond ?? -1),
  files: (r) => r.batch.filesCompleted + r.batch.filesFailed,
};

// Seconds with a decimal below a minute (file durations are often under a second).
const secs = (x) => (x === null || x === undefined ? '–' : x < 60 ? `${x.toFixed(x < 10 ? 2 : 1)} s` : fmtDuration(x));
const pct = (x) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);

export class WorkersPanel {
  constructor(api) {
    this.api = api;
    this.rows = [];
    this.sort = 'failure';
    this.all = false;
    this.lastLoad = 0;
    this.timer = null;
    this.stale = false;
    this.seq = 0;
    for (const th of document.querySelectorAll('#workers-table th[data-sort]')) {
      th.addEventListener('click', () => {
        this.sort = th.dataset.sort;
        this.draw();
      });
    }
    $('workers-all').addEventListener('click', () => {
      this.all = true;
      this.draw();
    });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && this.stale) this.noteWorkerRow();
    });
  }

  // A live row naming a worker arrived.
  noteWorkerRow() {
    this.stale = true;
    if (this.timer || document.hidden) return;
    const wait = Math.max(0, this.lastLoad + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!document.hidden) this.load();
    }, wait);
  }

  async load() {
    const seq = ++this.seq;
    this.stale = false;
    this.lastLoad = Date.now();
    try {
      const r = await this.api.get('/api/workers');
      if (seq !== this.seq) return;
      this.rows = r.workers;
      this.draw();
    } catch (err) {
      console.warn(err);
    }
  }

  draw() {
    $('workers-panel').hidden = this.rows.length === 0;
    for (const th of document.querySelectorAll('#workers-table th[data-sort]')) {
      th.setAttribute('aria-sort', th.dataset.sort === this.sort ? 'descending' : 'none');
    }
    const key = SORTS[this.sort];
    const sorted = [...this.rows].sort((a, b) => (b.silent - a.silent) || (key(b) - key(a)));
    const shown = this.all ? sorted : sorted.slice(0, SHOWN);
    $('workers-all').hidden = this.all || sorted.length <= SHOWN;
    $('workers-rows').replaceChildren(...shown.map((r) => el('tr', { dataset: { silent: String(r.silent), worker: r.worker, stage: r.stage } },
      el('td', {}, r.worker, r.silent ? el('span', { class: 'badge silent', title: 'no event for 2 min while its stage is processing' }, 'silent') : null),
      el('td', {}, r.stage),
      el('td', { class: 'num' }, fmtNum(r.batch.filesCompleted)),
      el('td', { class: 'num' }, fmtNum(r.batch.filesFailed)),
      el('td', { class: 'num', title: `since start ${pct(r.sinceStart.failureRatio)}` }, pct(r.batch.failureRatio)),
      el('td', { class: 'num' }, r.batch.filesPerSecond === null ? '–' : r.batch.filesPerSecond.toFixed(2)),
      el('td', { class: 'num' }, secs(r.batch.medianDurationSeconds ?? r.sinceStart.medianDurationSeconds)),
      el('td', {}, fmtTime(r.batch.lastSeen ?? r.sinceStart.lastSeen)))));
  }
}
