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

  async load(reset) {
    const params = { limit: '15' };
    if (!reset && this.before) params.before = String(this.before);
    try {
      const r = await this.api.get('/api/batches', params);
      this.typical = r.typicalDurationSeconds;
      const ul = $('history');
      if (reset) ul.replaceChildren();
      for (const b of r.batches) {
        ul.append(el('li', {}, el('button', { type: 'button', onclick: () => this.viewBatch(b.id) },
          el('span', { class: 'h-head' },
            el('span', {}, `Batch ${b.id}`),
            el('span', { class: 'badge', dataset: { status: b.status } }, b.status),
            el('span', { class: 'muted' }, fmtDuration(b.durationSeconds))),
          this.durationBar(b),
          el('span', { class: 'muted' }, `${fmtNum(b.filesProcessed)}${b.files === null ? '' : ` of ${fmtNum(b.files)}`} files · ${fmtNum(b.filesFailed)} failed · ${new Date(b.start).toLocaleString()}`))));
      }
      this.before = r.nextBefore;
      $('history-older').hidden = r.nextBefore === null;
    } catch (err) {
      console.warn(err);
    }
  }
}
