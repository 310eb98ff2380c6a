// A stage's sub-stages as a small timeline inside its card: one line each, in the order the
// pipeline began them, with a bar from its start to its end (or to now while it runs) on the
// span of them all. Figures (status, times, duration) are the exporter's; only the bars'
// placing is computed here.

import { el } from './dom.js';
import { fmtDuration } from './format.js';

// Fills `box` with the timeline of `subs` (the stage JSON's subStages) at `nowMs`.
export function drawSubStages(box, subs, nowMs) {
  box.hidden = !subs || subs.length === 0;
  if (box.hidden) { box.replaceChildren(); return; }
  const start = (s) => Date.parse(s.start);
  const end = (s) => (s.end ? Date.parse(s.end) : nowMs);
  const from = Math.min(...subs.map(start));
  const to = Math.max(...subs.map(end), from + 1);
  const span = to - from;
  box.replaceChildren(...subs.map((s) => {
    const left = ((start(s) - from) / span) * 100;
    const width = Math.max(((end(s) - start(s)) / span) * 100, 1);
    const bar = el('span', { class: 'sub-bar', dataset: { status: s.status } });
    bar.style.left = `${left}%`;
    bar.style.width = `${Math.min(width, 100 - left)}%`;
    return el('div', { class: 'sub', dataset: { status: s.status, sub: s.id },
      title: `${s.id}: ${s.status}, ${fmtDuration(s.durationSeconds)}` },
    el('span', { class: 'sub-id' }, s.id),
    el('span', { class: 'sub-track' }, bar),
    el('span', { class: 'sub-d muted' }, fmtDuration(s.durationSeconds)));
  }));
}
