// The stage cards: one per stage with its figures, progress bar, sub-stage timeline,
// throughput sparkline and latest events. Figures are the exporter's (snapshot, then the stream's stage messages);
// the card only counts the seconds of a running stage between two messages. Updates are
// drawn on flush(), once per frame.

import { $, el } from './dom.js';
import { fmtDuration, fmtNum, fmtTime } from './format.js';
import { Sparkline } from './sparkline.js';
import { drawSubStages } from './substages.js';

const RECENT_PER_STAGE = 20;

export class Cards {
  // openEvent(id) opens the payload viewer.
  constructor(openEvent) {
    this.openEvent = openEvent;
    this.cards = new Map();  // stage id → { node, parts, spark, stage, at, batchId, done, recent }
    this.early = new Map();  // stage id → latest events that came before the stage's card
    this.dirty = new Set();  // stage ids whose figures wait for the next frame
    this.dirtyRecent = new Set();
  }

  clear() {
    this.cards.clear();
    this.early.clear();
    this.dirty.clear();
    this.dirtyRecent.clear();
    $('stages').replaceChildren();
  }

  // Every stage of batch `batchId` at once (a snapshot, or a past batch's stats).
  render(stages, batchId) {
    const keep = new Set(stages.map((s) => s.id));
    for (const [id, c] of this.cards) {
      if (!keep.has(id)) { c.node.remove(); this.cards.delete(id); }
    }
    for (const s of stages) this.update(s, batchId);
  }

  // One stage's figures in batch `batchId` (a stream message). Files finished since the
  // last message of the same batch feed the sparkline; another batch starts it again.
  update(s, batchId) {
    let c = this.cards.get(s.id);
    if (!c) {
      c = this.build(s);
      c.recent = this.early.get(s.id) || [];
      this.early.delete(s.id);
      this.cards.set(s.id, c);
      this.place(c, s.order);
      this.dirtyRecent.add(s.id);
    }
    if (c.batchId !== batchId) {
      c.spark.reset();
      c.done = null;
      c.recent = c.recent.filter((ev) => ev.batchId === batchId);
      c.batchId = batchId;
      this.dirtyRecent.add(s.id);
    }
    const done = s.processed + s.failed;
    if (c.done !== null && done > c.done) c.spark.add(done - c.done, Date.now());
    c.done = done;
    c.stage = s;
    c.at = Date.now();
    this.dirty.add(s.id);
  }

  // A live event of a stage joins that card's latest events (kept aside until the card
  // exists: a burst's rows come before its stage messages).
  addRecent(ev) {
    const c = this.cards.get(ev.stage);
    const list = c ? c.recent : (this.early.get(ev.stage) || []);
    if (list.some((x) => x.id === ev.id)) return;
    list.unshift(ev);
    if (list.length > RECENT_PER_STAGE) list.length = RECENT_PER_STAGE;
    if (c) this.dirtyRecent.add(ev.stage); else this.early.set(ev.stage, list);
  }

  // Draws what changed since the last frame.
  flush() {
    for (const id of this.dirty) {
      const c = this.cards.get(id);
      if (c) this.draw(c);
    }
    this.dirty.clear();
    for (const id of this.dirtyRecent) {
      const c = this.cards.get(id);
      if (c) this.drawRecent(c);
    }
    this.dirtyRecent.clear();
  }

  // Once a second: running stages' durations, and the sparklines move on.
  tick() {
    const now = Date.now();
    for (const c of this.cards.values()) {
      c.spark.draw(now);
      if (c.stage.status === 'processing' && c.stage.durationSeconds !== null) {
        c.parts.duration.textContent = fmtDuration(c.stage.durationSeconds + (now - c.at) / 1000);
      }
      if ((c.stage.subStages || []).some((x) => x.status === 'processing')) {
        drawSubStages(c.parts.subs, c.stage.subStages, now);
      }
    }
  }

  place(c, order) {
    const box = $('stages');
    const after = [...this.cards.values()]
      .filter((o) => o !== c && o.node.isConnected && o.stage.order > order)
      .sort((a, b) => a.stage.order - b.stage.order)[0];
    box.insertBefore(c.node, after ? after.node : null);
  }

  draw(c) {
    const s = c.stage, p = c.parts;
    c.node.dataset.status = s.status;
    p.badge.textContent = s.status;
    p.badge.dataset.status = s.status;
    const pct = s.progress === null ? 0 : Math.round(s.progress * 1000) / 10;
    p.fill.style.width = `${pct}%`;
    p.bar.setAttribute('aria-valuenow', String(pct));
    p.processed.textContent = `${fmtNum(s.processed)} / ${s.total === null ? '?' : fmtNum(s.total)}`;
    p.progress.textContent = s.progress === null ? '–' : `${pct}%`;
    p.failed.textContent = fmtNum(s.failed);
    p.throughput.textContent = s.throughputPerSecond ? `${s.throughputPerSecond.toFixed(1)} files/s` : '–';
    p.eta.textContent = s.status === 'complete' ? 'done' : fmtDuration(s.etaSeconds);
    p.duration.textContent = fmtDuration(s.durationSeconds);
    drawSubStages(p.subs, s.subStages, Date.now());
    c.spark.draw(Date.now());
  }

  build(s) {
    const parts = {};
    const figures = el('dl', { class: 'figures' });
    for (const [k, label] of [['processed', 'Processed'], ['progress', 'Progress'], ['failed', 'Failed'],
      ['throughput', 'Throughput'], ['eta', 'ETA'], ['duration', 'Duration']]) {
      parts[k] = el('dd', { dataset: { k } }, '–');
      figures.append(el('dt', {}, label), parts[k]);
    }
    parts.badge = el('span', { class: 'badge' }, s.status);
    parts.fill = el('div', { class: 'fill' });
    parts.bar = el('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-label': `${s.title} progress` },
      parts.fill);
    parts.recent = el('ul', { class: 'recent', 'aria-label': `Last events of ${s.title}` });
    parts.subs = el('div', { class: 'subs', 'aria-label': `Sub-stages of ${s.title}` });
    parts.subs.hidden = true;
    const spark = new Sparkline();
    const node = el('article', { class: 'card', dataset: { stage: s.id, stageIndex: String(s.order) } },
      el('div', { class: 'card-head' },
        el('span', { class: 'card-title', title: s.id }, s.title),
        parts.badge),
      parts.bar,
      figures,
      parts.subs,
      el('div', { class: 'spark-row' }, el('span', { class: 'muted' }, 'files/s, 10 min'), spark.node),
      parts.recent);
    return { node, parts, spark, stage: s, at: Date.now(), batchId: null, done: null, recent: [] };
  }

  drawRecent(c) {
    c.parts.recent.replaceChildren(...c.recent.map((ev) =>
      el('li', { onclick: () => this.openEvent(ev.id), title: ev.errorMessage || ev.fileName || ev.eventType },
        el('span', { class: 't' }, fmtTime(ev.timestamp)),
        el('span', { class: `type-${ev.eventType}` }, ev.eventType),
        el('span', { class: 'f' }, ev.fileName || ev.errorMessage || ''))));
  }
}
