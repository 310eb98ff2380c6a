// The event log of the batch shown: filters, search, pages of older rows, and live rows.

import { $, el } from './dom.js';
import { fmtTime } from './format.js';
import { EVENT_TYPES } from './stream.js';

const LOG_PAGE = 50;

export class EventLog {
  // api: Api; shownBatch(): the batch id shown or null; openEvent(id).
  constructor(api, shownBatch, openEvent) {
    this.api = api;
    this.shownBatch = shownBatch;
    this.openEvent = openEvent;
    this.before = null;
    $('log-type').append(...EVENT_TYPES.map((t) => el('option', { value: t }, t)));
    $('log-filters').addEventListener('submit', (e) => { e.preventDefault(); this.load(true); });
    $('log-older').addEventListener('click', () => this.load(false));
  }

  // The stage filter lists the pipeline's stages.
  fillStages(stages) {
    const sel = $('log-stage');
    const want = stages.map((s) => s.id).join('\n');
    if (sel.dataset.stages === want) return;
    sel.dataset.stages = want;
    const keep = sel.value;
    sel.replaceChildren(el('option', { value: '' }, 'All stages'),
      ...stages.map((s) => el('option', { value: s.id }, s.title)));
    sel.value = keep;
  }

  // A live event of the batch shown goes on top, when it passes the filters.
  addLive(ev) {
    if (!this.matches(ev)) return;
    const rows = $('log-rows');
    if (!rows.querySelector(`tr[data-id="${ev.id}"]`)) rows.prepend(this.row(ev));
  }

  matches(ev) {
    const stage = $('log-stage').value, type = $('log-type').value;
    const text = $('log-q').value.trim().toLowerCase();
    if (stage && ev.stage !== stage) return false;
    if (type && ev.eventType !== type) return false;
    if (text) {
      const hay = `${ev.fileName || ''} ${ev.errorMessage || ''}`.toLowerCase();
      if (!hay.includes(text)) return false;
    }
    return true;
  }

  row(ev) {
    const detail = [];
    if (ev.invalid) detail.push(el('span', { class: 'flag' }, `invalid: ${ev.invalid}`));
    detail.push(ev.errorMessage || (ev.durationMs !== null ? `${ev.durationMs} ms` : '') ||
      (ev.processedFiles !== null ? `${ev.processedFiles} processed` : ''));
    return el('tr', { dataset: { id: String(ev.id) }, onclick: () => this.openEvent(ev.id) },
      el('td', {}, fmtTime(ev.timestamp)),
      el('td', {}, ev.stage || ''),
      el('td', { class: `type-${ev.eventType}` }, ev.eventType),
      el('td', { title: ev.fileName || '' }, ev.fileName || ''),
      el('td', { title: ev.errorMessage || '' }, ...detail));
  }

  // The newest page (reset) or the next older one.
  async load(reset) {
    const batch = this.shownBatch();
    const rows = $('log-rows');
    if (batch === null) { rows.replaceChildren(); return; }
    const params = { limit: String(LOG_PAGE) };
    if ($('log-stage').value) params.stage = $('log-stage').value;
    if ($('log-type').value) params.type = $('log-type').value;
    if ($('log-q').value.trim()) params.q = $('log-q').value.trim();
    if (!reset && this.before) params.before_id = String(this.before);
    try {
      const r = await this.api.get(`/api/batch/${batch}/logs`, params);
      if (reset) rows.replaceChildren();
      for (const ev of r.events) {
        if (!rows.querySelector(`tr[data-id="${ev.id}"]`)) rows.append(this.row(ev));
      }
      this.before = r.nextBeforeId;
      $('log-older').hidden = r.nextBeforeId === null;
    } catch (err) {
      console.warn(err);
    }
  }
}
