// The event log of the batch shown: filters, search, pages of older rows, and live rows —
// a window of at most WINDOW rows in the page whatever the batch's size. Live rows are
// queued and drawn once per frame; while the user reads older rows the live ones are
// counted, not drawn, until "Show newest".

import { $, el } from './dom.js';
import { fmtTime } from './format.js';

const PAGE = 50;
export const WINDOW = 500;

export class EventLog {
  // api: Api; openEvent(id); request(): asks for a frame to draw in.
  constructor(api, openEvent, request) {
    this.api = api;
    this.openEvent = openEvent;
    this.request = request;
    this.batch = null;        // the batch shown
    this.rows = new Map();    // id → <tr>, for the rows in the page
    this.pending = [];        // live rows waiting for the next frame, newest last
    this.before = null;       // where "Load older" goes on
    this.reading = false;     // the user has loaded older rows: live ones are only counted
    this.missed = 0;
    this.generation = 0;      // a newer load makes an older answer moot
    $('log-filters').addEventListener('submit', (e) => { e.preventDefault(); this.load(true); });
    $('log-older').addEventListener('click', () => this.load(false));
    $('log-newer').addEventListener('click', () => this.load(true));
  }

  // The filter lists the event types (the exporter's list) and the pipeline's stages.
  setTypes(types) {
    $('log-type').replaceChildren(el('option', { value: '' }, 'All types'),
      ...types.map((t) => el('option', { value: t }, t)));
  }

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

  // Shows batch `id` (null: none) from its newest rows.
  show(id) {
    this.batch = id;
    return this.load(true);
  }

  // A live row of the batch shown, when it passes the filters.
  addLive(ev) {
    if (ev.batchId !== this.batch || !this.matches(ev)) return;
    if (this.reading) {
      this.missed += 1;
      this.showNewer();
      return;
    }
    this.pending.push(ev);
    if (this.pending.length > WINDOW) this.pending.splice(0, this.pending.length - WINDOW);
    this.request();
  }

  // Draws the queued live rows on top, then trims the window from the bottom.
  flush() {
    if (!this.pending.length) return;
    const tbody = $('log-rows');
    const frag = document.createDocumentFragment();
    for (let i = this.pending.length - 1; i >= 0; --i) {
      const ev = this.pending[i];
      if (this.rows.has(ev.id)) continue;
      const tr = this.row(ev);
      this.rows.set(ev.id, tr);
      frag.append(tr);
    }
    this.pending = [];
    tbody.prepend(frag);
    this.trimBottom();
  }

  trimBottom() {
    const tbody = $('log-rows');
    let cut = false;
    while (this.rows.size > WINDOW) {
      const last = tbody.lastElementChild;
      this.rows.delete(Number(last.dataset.id));
      last.remove();
      cut = true;
    }
    if (cut) {
      // Older rows are a click away again, from the oldest row still shown.
      this.before = Number(tbody.lastElementChild.dataset.id);
      $('log-older').hidden = false;
    }
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

  showNewer() {
    const b = $('log-newer');
    b.hidden = !this.reading;
    b.textContent = this.missed
      ? `${this.missed.toLocaleString()} newer event${this.missed === 1 ? '' : 's'} — show newest` : 'Show newest';
  }

  // The newest page (reset) or the next older one. Live rows that arrive while the newest
  // page is on its way stay, above it.
  async load(reset) {
    const batch = this.batch;
    const tbody = $('log-rows');
    const gen = ++this.generation;
    if (batch === null) {
      tbody.replaceChildren();
      this.rows.clear();
      this.pending = [];
      $('log-older').hidden = true;
      return;
    }
    const params = { limit: String(PAGE) };
    if ($('log-stage').value) params.stage = $('log-stage').value;
    if ($('log-type').value) params.type = $('log-type').value;
    if ($('log-q').value.trim()) params.q = $('log-q').value.trim();
    if (!reset && this.before) params.before_id = String(this.before);
    let r;
    try {
      r = await this.api.get(`/api/batch/${batch}/logs`, params);
    } catch (err) {
      console.warn(err);
      return;
    }
    if (gen !== this.generation || batch !== this.batch) return;
    if (reset) {
      this.flush();
      const newest = r.events.length ? r.events[0].id : 0;
      for (const [id, tr] of this.rows) {
        const keep = tr.parentNode === tbody && id > newest && !r.scannedFromId;
        if (!keep) { tr.remove(); this.rows.delete(id); }
      }
      this.reading = false;
      this.missed = 0;
    }
    const frag = document.createDocumentFragment();
    for (const ev of r.events) {
      if (this.rows.has(ev.id)) continue;
      const tr = this.row(ev);
      this.rows.set(ev.id, tr);
      frag.append(tr);
    }
    tbody.append(frag);
    if (!reset && this.rows.size > WINDOW) {
      // Reading older rows: the newest leave the window, live rows wait.
      while (this.rows.size > WINDOW) {
        const first = tbody.firstElementChild;
        this.rows.delete(Number(first.dataset.id));
        first.remove();
      }
      this.reading = true;
    }
    this.before = r.nextBeforeId;
    $('log-older').hidden = r.nextBeforeId === null;
    const note = $('log-note');
    note.hidden = !r.scannedFromId;
    note.textContent = r.scannedFromId
      ? `Searched back to event ${r.scannedFromId}; "Load older" searches further.` : '';
    this.showNewer();
  }
}
