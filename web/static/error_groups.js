// The error groups of the batch shown, as the exporter groups them. Loaded when a batch is
// shown; while live, an error row makes them refresh — at most once every 10 s, and only
// while the page is visible.

import { $, el } from './dom.js';

const MIN_INTERVAL_MS = 10_000;
const SHOWN = 12;  // the most frequent kinds; the rest behind "show all"

export class ErrorGroupsPanel {
  // api: Api; openEvent(id) opens a group's sample.
  constructor(api, openEvent) {
    this.api = api;
    this.openEvent = openEvent;
    this.batch = null;
    this.lastLoad = 0;
    this.timer = null;
    this.stale = false;
    this.all = false;
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && this.stale) this.noteError();
    });
  }

  show(batch) {
    this.batch = batch;
    this.all = false;
    clearTimeout(this.timer);
    this.timer = null;
    this.stale = false;
    return this.load();
  }

  // An error row of the batch shown arrived.
  noteError() {
    this.stale = true;
    if (this.timer || document.hidden) return;
    const wait = Math.max(0, this.lastLoad + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (document.hidden) return;  // picked up again when visible
      this.load();
    }, wait);
  }

  async load() {
    const ul = $('errors');
    const batch = this.batch;
    this.stale = false;
    this.lastLoad = Date.now();
    if (batch === null) { ul.replaceChildren(); return; }
    try {
      const r = await this.api.get(`/api/batch/${batch}/errors`);
      if (batch !== this.batch) return;
      const groups = this.all ? r.groups : r.groups.slice(0, SHOWN);
      ul.replaceChildren(...(groups.length ? groups.map((g) =>
        el('li', { title: `first ${g.firstSeen}, last ${g.lastSeen}` },
          el('span', { class: 'count' }, `${g.count.toLocaleString()}×`),
          el('span', { class: 'muted' }, g.stage ? `${g.stage}: ` : ''),
          el('span', { class: 'msg' }, g.message), ' ',
          el('a', { href: `#event=${g.sampleEventId}`, onclick: (e) => { e.preventDefault(); this.openEvent(g.sampleEventId); } }, 'sample')))
        : [el('li', { class: 'muted' }, 'No errors in this batch.')]));
      if (groups.length < r.groups.length) {
        ul.append(el('li', {}, el('button', { type: 'button', class: 'ghost', onclick: () => { this.all = true; this.load(); } },
          `Show all ${r.groups.length.toLocaleString()} kinds`)));
      }
      if (r.otherErrors) ul.append(el('li', { class: 'muted' }, `${r.otherErrors.toLocaleString()} more errors of other kinds`));
    } catch (err) {
      console.warn(err);
    }
  }
}
