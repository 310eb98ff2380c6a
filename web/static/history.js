// The batch history, newest first, paged with the exporter's cursor.

import { $, el } from './dom.js';
import { fmtNum } from './format.js';

export class BatchHistory {
  // api: Api; viewBatch(id) shows a past batch.
  constructor(api, viewBatch) {
    this.api = api;
    this.viewBatch = viewBatch;
    this.before = null;
    $('history-older').addEventListener('click', () => this.load(false));
  }

  async load(reset) {
    const params = { limit: '15' };
    if (!reset && this.before) params.before = String(this.before);
    try {
      const r = await this.api.get('/api/batches', params);
      const ul = $('history');
      if (reset) ul.replaceChildren();
      for (const b of r.batches) {
        ul.append(el('li', {}, el('button', { type: 'button', onclick: () => this.viewBatch(b.id) },
          el('span', {}, `Batch ${b.id}`),
          el('span', { class: 'badge', dataset: { status: b.status } }, b.status),
          el('span', { class: 'muted' }, `${fmtNum(b.filesProcessed)}${b.files === null ? '' : ` of ${fmtNum(b.files)}`} files · ${fmtNum(b.filesFailed)} failed · ${new Date(b.start).toLocaleString()}`))));
      }
      this.before = r.nextBefore;
      $('history-older').hidden = r.nextBefore === null;
    } catch (err) {
      console.warn(err);
    }
  }
}
