// Batch control from the page (when the exporter has it on): pause, resume or cancel the live
// batch, with a reason, after a confirmation; and the batch's control requests (who, from
// where, when, why: the audit trail the control table keeps). The buttons follow the batch's status as the stream brings it; nothing is polled.

import { $, el } from './dom.js';
import { fmtTime } from './format.js';

// Which status each action fits (the exporter answers 409 otherwise).
const FITS = {
  pause: ['running'],
  resume: ['paused', 'pausing'],
  cancel: ['running', 'pausing', 'paused'],
};
const LABEL = { pause: 'Pause', resume: 'Resume', cancel: 'Cancel batch' };
const NOTE = {
  pause: 'The pipeline finishes the files in flight and takes no new ones until resumed.',
  resume: 'The pipeline takes files again.',
  cancel: 'The pipeline stops its work on this batch. This cannot be undone.',
};

export class BatchControl {
  // api: Api; enabled: the exporter has control on.
  constructor(api, enabled) {
    this.api = api;
    this.enabled = enabled;
    this.batch = null;
    this.action = null;
    for (const action of Object.keys(FITS)) {
      $(`control-${action}`).addEventListener('click', () => this.ask(action));
    }
    $('control-form').addEventListener('submit', (e) => {
      if (!e.submitter || e.submitter.value !== 'send') return;  // "Back" closes the dialog
      e.preventDefault();
      this.send();
    });
  }

  // The batch shown (JSON with `control`, or null) and whether it is the live one.
  show(batch, live) {
    this.batch = batch;
    $('control-buttons').hidden = !this.enabled || !live || !batch;
    for (const [action, fits] of Object.entries(FITS)) {
      $(`control-${action}`).hidden = !batch || !fits.includes(batch.status);
    }
    const requests = batch && batch.control ? [...batch.control].reverse() : [];
    $('control-panel').hidden = requests.length === 0;
    $('control-history').replaceChildren(...requests.map((c) =>
      el('li', { title: c.requestedAt },
        el('span', { class: 'count' }, c.action), ' ',
        el('span', { class: 'muted' }, `by ${c.requestedBy || 'unknown'}` +
          `${c.requestedFrom ? ` from ${c.requestedFrom}` : ''} · ${fmtTime(c.requestedAt)}`),
        c.reason ? el('div', { class: 'msg' }, c.reason) : null)));
  }

  ask(action) {
    if (!this.batch) return;
    this.action = action;
    $('control-title').textContent = `${LABEL[action]} — batch ${this.batch.id}?`;
    $('control-note').textContent = NOTE[action];
    $('control-send').textContent = LABEL[action];
    $('control-send').className = action === 'cancel' ? 'danger' : 'primary';
    $('control-reason').value = '';
    $('control-error').hidden = true;
    $('control-dialog').showModal();
  }

  async send() {
    const error = $('control-error');
    try {
      const r = await this.api.post(`/api/batch/${this.batch.id}/control`,
        { action: this.action, reason: $('control-reason').value.trim() });
      if (r.status === 202) {
        $('control-dialog').close();
        return;
      }
      const body = await r.json().catch(() => ({}));
      error.textContent = r.status === 401
        ? 'Batch control needs a signed-in user (the exporter\'s web configuration).'
        : `${body.error || `HTTP ${r.status}`}${body.detail ? `: ${body.detail}` : ''}`;
    } catch (err) {
      error.textContent = String(err);
    }
    error.hidden = false;
  }
}
