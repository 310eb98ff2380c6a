// The stage cards: one per stage with its figures, progress bar and latest events.

import { $, el } from './dom.js';
import { fmtDuration, fmtNum, fmtTime } from './format.js';

const RECENT_PER_STAGE = 20;

export class Cards {
  // openEvent(id) opens the payload viewer.
  constructor(openEvent) {
    this.openEvent = openEvent;
    this.recent = new Map();  // stage id → newest-first list of events
  }

  clear() {
    this.recent.clear();
    $('stages').replaceChildren();
  }

  // A live event of a stage joins that card's latest events.
  addRecent(ev) {
    const list = this.recent.get(ev.stage) || [];
    if (list.some((x) => x.id === ev.id)) return;
    list.unshift(ev);
    list.length = Math.min(list.length, RECENT_PER_STAGE);
    this.recent.set(ev.stage, list);
    this.renderRecent(ev.stage);
  }

  render(stages) {
    const box = $('stages');
    for (const s of stages) {
      let card = box.querySelector(`[data-stage-index="${s.order}"]`);
      if (!card || card.dataset.stage !== s.id) {
        card = this.build(s);
        const existing = box.querySelector(`[data-stage-index="${s.order}"]`);
        if (existing) existing.replaceWith(card); else box.append(card);
      }
      card.dataset.status = s.status;
      const badge = card.querySelector('.badge');
      badge.textContent = s.status;
      badge.dataset.status = s.status;
      const pct = s.progress === null ? 0 : Math.round(s.progress * 1000) / 10;
      card.querySelector('.fill').style.width = `${pct}%`;
      card.querySelector('.bar').setAttribute('aria-valuenow', String(pct));
      const set = (k, v) => { card.querySelector(`[data-k="${k}"]`).textContent = v; };
      set('processed', `${fmtNum(s.processed)} / ${s.total === null ? '?' : fmtNum(s.total)}`);
      set('progress', s.progress === null ? '–' : `${pct}%`);
      set('failed', fmtNum(s.failed));
      set('throughput', s.throughputPerSecond ? `${s.throughputPerSecond.toFixed(1)} files/s` : '–');
      set('eta', s.status === 'complete' ? 'done' : fmtDuration(s.etaSeconds));
      set('duration', fmtDuration(s.durationSeconds));
    }
    for (const extra of box.querySelectorAll('.card')) {
      if (Number(extra.dataset.stageIndex) >= stages.length) extra.remove();
    }
  }

  build(s) {
    const figures = el('dl', { class: 'figures' });
    for (const [k, label] of [['processed', 'Processed'], ['progress', 'Progress'], ['failed', 'Failed'],
      ['throughput', 'Throughput'], ['eta', 'ETA'], ['duration', 'Duration']]) {
      figures.append(el('dt', {}, label), el('dd', { dataset: { k } }, '–'));
    }
    const card = el('article', { class: 'card', dataset: { stage: s.id, stageIndex: String(s.order) } },
      el('div', { class: 'card-head' },
        el('span', { class: 'card-title', title: s.id }, s.title),
        el('span', { class: 'badge' }, s.status)),
      el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-label': `${s.title} progress` },
        el('div', { class: 'fill' })),
      figures,
      el('ul', { class: 'recent', 'aria-label': `Last events of ${s.title}` }));
    setTimeout(() => this.renderRecent(s.id), 0);
    return card;
  }

  renderRecent(stageId) {
    const card = document.querySelector(`.card[data-stage="${CSS.escape(stageId)}"]`);
    if (!card) return;
    card.querySelector('.recent').replaceChildren(...(this.recent.get(stageId) || []).map((ev) =>
      el('li', { onclick: () => this.openEvent(ev.id), title: ev.errorMessage || ev.fileName || ev.eventType },
        el('span', { class: 't' }, fmtTime(ev.timestamp)),
        el('span', { class: `type-${ev.eventType}` }, ev.eventType),
        el('span', { class: 'f' }, ev.fileName || ev.errorMessage || ''))));
  }
}
