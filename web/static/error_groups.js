// The error groups of the batch shown, as the exporter groups them.

import { $, el } from './dom.js';

// api: Api; batch: the id shown or null; openEvent(id) opens a group's sample.
export async function loadErrorGroups(api, batch, openEvent) {
  const ul = $('errors');
  if (batch === null) { ul.replaceChildren(); return; }
  try {
    const r = await api.get(`/api/batch/${batch}/errors`);
    ul.replaceChildren(...(r.groups.length ? r.groups.map((g) =>
      el('li', { title: `first ${g.firstSeen}, last ${g.lastSeen}` },
        el('span', { class: 'count' }, `${g.count}×`),
        el('span', { class: 'muted' }, g.stage ? `${g.stage}: ` : ''),
        el('span', { class: 'msg' }, g.message), ' ',
        el('a', { href: '#', onclick: (e) => { e.preventDefault(); openEvent(g.sampleEventId); } }, 'sample')))
      : [el('li', { class: 'muted' }, 'No errors in this batch.')]));
  } catch (err) {
    console.warn(err);
  }
}
