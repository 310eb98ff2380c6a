// The batch history, newest first, paged with the exporter's cursor; each batch's duration
// drawn as a bar against the typical one (the exporter's median of recent complete batches).

import { $, el } from './dom.js';
import { fmtDuration, fmtNum } from './format.js';

export class BatchHistory {
  // api: Api; viewBatch(id) shows a past batch.
  constructor(api, viewBatch) {
    this.api = api;
    this.viewBatch = viewBatch;
    this.before = null;
    this.typical = null;
    this.timer = null;
    $('history-older').addEventListener('click', () => this.load(false));
  }

  // A batch started or ended: the list is fetched again, at most every few seconds.
  refreshSoon() {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = null; this.load(true); }, 2000);
  }

  durationBar(b) {
    const scale = this.typical ? 2 * this.typical : null;
    const fill = el('span', { class: 'dur-fill' });
    const bar = el('span', { class: 'dur', title: `${fmtDuration(b.durationSeconds)}${this.typical ? ` · typical ${fmtDuration(this.typical)}` : ''}` }, fill);
    if (scale) {
      fill.style.width = `${Math.min(100, (b.durationSeconds / scale) * 100).toFixed(1)}%`;
      bar.append(el('span', { class: 'dur-typical' }));
      if (b.durationSeconds > this.typical * 1.5) bar.dataset.slow = 'true';
    } else {
      fill.style.width = '0%';
    }
    return bar;
  }

  // Once a second: running batches' durations count on.
  tick() {
    for (const d of document.querySelectorAll('#history .h-running')) {
      d.textContent = fmtDuration((Date.now() - Number(d.dataset.startMs)) / 1000);
    }
  }

  async load(reset) {
    const params = { limit: '15' };
    if (!reset && this.before) params.before = String(this.before);
    try {
      const r = await this.api.get('/api/batches', params);
      this.typical = r.typicalDurationSeconds;
      const ul = $('history');
      if (reset) ul.replaceChildren();
      for (const b of r.batches) {
        const running = b.status === 'running';
        const duration = el('span', { class: 'muted' }, fmtDuration(b.durationSeconds));
        // A running batch's figures are on the cards; here its duration counts on.
        if (running) { duration.dataset.startMs = String(b.startMs); duration.classList.add('h-running'); }
        const facts = [b.files === null ? null : `${fmtNum(b.files)} files`,
          running ? 'in progress' : `${fmtNum(b.filesFailed)} failures across stages`,
          `started ${new Date(b.start).toLocaleString()}`].filter((x) => x !== null);
        ul.append(el('li', {}, el('button', { type: 'button', onclick: () => this.viewBatch(b.id) },
          el('span', { class: 'h-head' },
            el('span', {}, `Batch ${b.id}`),
            el('span', { class: 'badge', dataset: { status: b.status } }, b.status),
            duration),
          running ? null : this.durationBar(b),
          el('span', { class: 'muted' }, facts.join(' · ')))));
      }
      this.before = r.nextBefore;
      $('history-older').hidden = r.nextBefore === null;
    } catch (err) {
      console.warn(err);
    }
  }
}
