// The payload viewer: one event with its request, response and error text (capped by the
// exporter, flagged when cut), each with a copy button, and a copyable link to itself
// (`?pipeline=P#event=ID`, the form Grafana's exemplar links and alerts use).

import { $, el } from './dom.js';

function showPayload(name, payload) {
  const pre = $(`viewer-${name}`), note = $(`viewer-${name}-note`);
  if (!payload) {
    pre.textContent = '(none)';
    note.hidden = true;
    return;
  }
  let text = payload.text;
  try { text = JSON.stringify(JSON.parse(payload.text), null, 2); } catch { /* not JSON: raw */ }
  pre.textContent = text;
  note.hidden = !payload.truncated;
  note.textContent = payload.truncated ? `Cut to the first ${payload.text.length} of ${payload.length} characters.` : '';
}

async function copyText(id, button) {
  const text = $(id).textContent;
  const label = button.dataset.label || (button.dataset.label = button.textContent);
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    const range = document.createRange();
    range.selectNodeContents($(id));
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    button.textContent = 'Selected';
  }
  setTimeout(() => { button.textContent = label; }, 1500);
}

export class PayloadViewer {
  constructor(api) {
    this.api = api;
    this.opening = 0;
    $('viewer-close').addEventListener('click', () => $('viewer').close());
    for (const b of document.querySelectorAll('[data-copy]')) {
      b.addEventListener('click', () => copyText(b.dataset.copy, b));
    }
  }

  // Opens at once (loading), then fills in; a later open wins over an earlier one.
  async open(id) {
    const dialog = $('viewer');
    const want = ++this.opening;
    $('viewer-title').textContent = `Event ${id} · loading…`;
    $('viewer-meta').replaceChildren();
    $('viewer-error').hidden = true;
    for (const name of ['request', 'response']) {
      $(`viewer-${name}`).textContent = '';
      $(`viewer-${name}-note`).hidden = true;
    }
    const link = new URL(window.location.href);
    link.search = new URLSearchParams({ pipeline: this.api.pipeline }).toString();
    link.hash = `event=${id}`;
    $('viewer-link').href = link.href;
    $('viewer-link').textContent = link.href;
    if (!dialog.open) dialog.showModal();
    try {
      const ev = await this.api.get(`/api/events/${id}`);
      if (want !== this.opening) return;
      $('viewer-title').textContent = `Event ${ev.id} · ${ev.eventType}`;
      const meta = $('viewer-meta');
      meta.replaceChildren();
      for (const [k, v] of [['Time', ev.timestamp], ['Batch', ev.batchId], ['Stage', ev.stage],
        ['File', ev.fileName], ['Worker', ev.gpuIp], ['Duration', ev.durationMs !== null ? `${ev.durationMs} ms` : null],
        ['Counts', [ev.processedFiles, ev.failedFiles, ev.totalFiles].some((x) => x !== null)
          ? `processed ${ev.processedFiles ?? '–'}, failed ${ev.failedFiles ?? '–'}, total ${ev.totalFiles ?? '–'}` : null],
        ['Invalid', ev.invalid]]) {
        if (v === null || v === undefined) continue;
        meta.append(el('dt', {}, k), el('dd', {}, String(v)));
      }
      const err = $('viewer-error');
      err.hidden = !ev.errorMessage;
      err.textContent = ev.errorMessage ? ev.errorMessage.text : '';
      showPayload('request', ev.requestPayload);
      showPayload('response', ev.response);
    } catch (err) {
      if (want === this.opening) $('viewer-title').textContent = `Event ${id} · could not be loaded`;
      console.warn(err);
    }
  }
}
