// The pipeline's alerts from Alertmanager (when the exporter has web.alertmanager_url): each
// with its severity, summary and since when; a firing one can be silenced ("acknowledged") for
// a while with a comment, in the signed-in user's name; a silenced one says by whom, until when
// and why. Alerts are not rows of the table, so the stream does not carry them: the list is
// asked for when a pipeline is shown, after a silence, and every 30 s while the page is
// visible (the exporter shares one Alertmanager answer among all pages for a few seconds).
// Alertmanager down → the panel says so; nothing else on the page depends on it.

import { $, el } from './dom.js';
import { fmtTime } from './format.js';

const REFRESH_MS = 30_000;
const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 };

export class AlertsPanel {
  // api: Api; enabled: the exporter has alerts on.
  constructor(api, enabled) {
    this.api = api;
    this.enabled = enabled;
    this.alert = null;  // the alert being silenced
    this.seq = 0;       // answers to an older request are dropped
    $('alerts-panel').hidden = !enabled;
    if (!enabled) return;
    setInterval(() => { if (!document.hidden) this.load(); }, REFRESH_MS);
    document.addEventListener('visibilitychange', () => { if (!document.hidden) this.load(); });
    $('silence-form').addEventListener('submit', (e) => {
      if (!e.submitter || e.submitter.value !== 'send') return;  // "Back" closes the dialog
      e.preventDefault();
      this.send();
    });
  }

  async load() {
    if (!this.enabled || !this.api.pipeline) return;
    const seq = ++this.seq;
    const note = $('alerts-note');
    let body;
    try {
      const r = await fetch(`/api/alerts?${new URLSearchParams({ pipeline: this.api.pipeline })}`,
        { headers: { Accept: 'application/json' } });
      body = await r.json().catch(() => ({}));
      if (seq !== this.seq) return;
      if (!r.ok) {
        note.textContent = r.status === 502
          ? 'Alertmanager is unreachable — the alerts are unknown for now.'
          : `Alerts: ${body.error || `HTTP ${r.status}`}`;
        note.hidden = false;
        $('alerts-count').textContent = '';
        $('alerts').replaceChildren();
        return;
      }
    } catch (err) {
      if (seq !== this.seq) return;
      note.textContent = `Alerts: ${err}`;
      note.hidden = false;
      return;
    }
    const alerts = [...body.alerts].sort((a, b) =>
      (a.state === 'firing' ? 0 : 1) - (b.state === 'firing' ? 0 : 1)
      || (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3));
    const firing = alerts.filter((a) => a.state === 'firing').length;
    $('alerts-count').textContent = firing ? `${firing} firing` : '';
    note.textContent = alerts.length ? (body.truncated ? 'Only the first alerts are shown.' : '')
      : 'No alerts.';
    note.hidden = !note.textContent;
    $('alerts').replaceChildren(...alerts.map((a) => this.item(a)));
  }

  item(a) {
    const silence = a.silence
      ? el('div', { class: 'muted silenced' },
        `silenced by ${a.silence.createdBy} until ${fmtTime(a.silence.endsAt)}`,
        a.silence.comment ? ` — ${a.silence.comment}` : '')
      : null;
    const button = a.state === 'firing'
      ? el('button', { type: 'button', class: 'silence', onclick: () => this.ask(a) }, 'Silence')
      : null;
    return el('li', { dataset: { state: a.state, fingerprint: a.fingerprint } },
      el('span', { class: 'badge', dataset: { severity: a.severity || 'none' } }, a.severity || 'alert'),
      ' ', el('strong', {}, a.name || a.fingerprint),
      el('span', { class: 'muted' }, ` · since ${fmtTime(a.startsAt)}`),
      a.state === 'inhibited' ? el('span', { class: 'muted' }, ' · inhibited') : null,
      button,
      a.summary ? el('div', { class: 'msg' }, a.summary) : null,
      silence);
  }

  ask(a) {
    this.alert = a;
    $('silence-title').textContent = `Silence ${a.name || 'alert'}?`;
    $('silence-comment').value = '';
    $('silence-error').hidden = true;
    $('silence-dialog').showModal();
  }

  async send() {
    const error = $('silence-error');
    try {
      const r = await this.api.post('/api/alerts/silence', {
        fingerprint: this.alert.fingerprint,
        durationSeconds: Number($('silence-duration').value),
        comment: $('silence-comment').value.trim(),
      });
      if (r.status === 201) {
        $('silence-dialog').close();
        this.load();
        return;
      }
      const body = await r.json().catch(() => ({}));
      error.textContent = r.status === 403 && body.error === 'silencing needs a signed-in user'
        ? 'Silencing needs a signed-in user (the exporter\'s web configuration).'
        : `${body.error || `HTTP ${r.status}`}${body.detail ? `: ${body.detail}` : ''}`;
    } catch (err) {
      error.textContent = String(err);
    }
    error.hidden = false;
  }
}
