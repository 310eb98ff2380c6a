// The pipeline_exporter page: live stage cards from /api/stream, the event log, error groups,
// batch history and a payload viewer. Every text from the database is inserted with
// textContent (through el()), never as HTML.

const EVENT_TYPES = ['batch_start', 'batch_complete', 'batch_failed', 'stage_start',
  'stage_progress', 'stage_complete', 'stage_failed', 'file_start', 'file_complete', 'error',
  'warning', 'info'];
const RECENT_PER_STAGE = 20;
const LOG_PAGE = 50;

const $ = (id) => document.getElementById(id);

// Builds an element; string children become text nodes.
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const state = {
  pipeline: null,
  pipelines: [],
  snapshot: null,        // current-batch JSON shown in the cards
  viewingBatch: null,    // a past batch id, or null when live
  lastEventId: null,
  recent: new Map(),     // stage id → newest-first list of events
  source: null,
  backoff: 1000,
  reconnectTimer: null,
  refreshTimer: null,
  logBefore: null,
  historyBefore: null,
};

function fmtDuration(s) {
  if (s === null || s === undefined || !isFinite(s)) return '–';
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${sec}s`;
  return `${sec}s`;
}
const fmtNum = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString());
const fmtTime = (iso) => (iso ? new Date(iso).toLocaleTimeString() : '–');

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: 'application/json' } });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}
const q = (params) => new URLSearchParams({ pipeline: state.pipeline, ...params }).toString();

// ---- connection -------------------------------------------------------------------------

function setConn(stateName, text) {
  const c = $('conn');
  c.dataset.state = stateName;
  c.textContent = text;
}

function connect() {
  clearTimeout(state.reconnectTimer);
  if (state.source) state.source.close();
  const params = { pipeline: state.pipeline };
  if (state.lastEventId) params.last_event_id = state.lastEventId;
  const es = new EventSource(`/api/stream?${new URLSearchParams(params)}`);
  state.source = es;
  setConn('connecting', 'connecting…');
  es.addEventListener('open', () => {
    state.backoff = 1000;
    setConn('live', 'live');
  });
  es.addEventListener('error', (e) => {
    // Pipeline events of type "error" arrive under the same name as EventSource's own
    // connection errors; only the former carry data.
    if (e.data !== undefined) return;
    if (es.readyState === EventSource.CLOSED) {
      // The browser gave up (e.g. a 503): retry ourselves, backing off.
      setConn('offline', `offline — retrying in ${Math.round(state.backoff / 1000)}s`);
      state.reconnectTimer = setTimeout(connect, state.backoff);
      state.backoff = Math.min(state.backoff * 2, 30000);
    } else {
      setConn('reconnecting', 'reconnecting…');
    }
  });
  es.addEventListener('snapshot', (e) => {
    state.lastEventId = e.lastEventId || state.lastEventId;
    if (state.viewingBatch === null) renderSnapshot(JSON.parse(e.data));
  });
  for (const t of EVENT_TYPES) es.addEventListener(t, onEvent);
}

function onEvent(e) {
  const ev = JSON.parse(e.data);
  state.lastEventId = e.lastEventId || String(ev.id);
  if (ev.stage) {
    const list = state.recent.get(ev.stage) || [];
    if (!list.some((x) => x.id === ev.id)) {
      list.unshift(ev);
      list.length = Math.min(list.length, RECENT_PER_STAGE);
      state.recent.set(ev.stage, list);
      renderRecent(ev.stage);
    }
  }
  if (state.viewingBatch !== null) return;
  const current = state.snapshot && state.snapshot.batch;
  if (current && ev.batchId === current.id && matchesLogFilters(ev)) {
    const rows = $('log-rows');
    if (!rows.querySelector(`tr[data-id="${ev.id}"]`)) rows.prepend(logRow(ev));
  }
  scheduleRefresh(!current || ev.batchId !== current.id || ev.eventType.startsWith('batch_'));
}

// Stage figures come from the server's state, fetched at most a few times a second.
function scheduleRefresh(batchChanged) {
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(async () => {
    state.refreshTimer = null;
    try {
      const before = state.snapshot && state.snapshot.batch && state.snapshot.batch.id;
      const snap = await getJson(`/api/current-batch?${q({})}`);
      if (state.viewingBatch !== null) return;
      renderSnapshot(snap);
      const now = snap.batch && snap.batch.id;
      if (batchChanged || now !== before) {
        loadLog(true);
        loadErrors();
        loadHistory(true);
      } else {
        loadErrors();
      }
    } catch (err) {
      console.warn(err);
    }
  }, 250);
}

// ---- rendering ----------------------------------------------------------------------------

function renderSnapshot(snap) {
  state.snapshot = snap;
  const b = snap.batch;
  $('batch-id').textContent = b ? String(b.id) : '–';
  $('batch-date').textContent = b && b.date ? b.date : '';
  $('batch-number').textContent = b && b.number ? `#${b.number}` : '';
  const status = $('batch-status');
  status.textContent = b ? b.status : 'no batch';
  status.dataset.status = b ? b.status : 'pending';
  $('batch-files').textContent = b && b.files !== null ? `${fmtNum(b.files)} files` : '';
  renderCards(snap.stages);
  fillStageFilter(snap.stages);
}

function renderCards(stages) {
  const box = $('stages');
  for (const s of stages) {
    let card = box.querySelector(`[data-stage-index="${s.order}"]`);
    if (!card || card.dataset.stage !== s.id) {
      card = buildCard(s);
      const existing = box.querySelector(`[data-stage-index="${s.order}"]`);
      if (existing) existing.replaceWith(card); else box.append(card);
    }
    card.dataset.status = s.status;
    const badge = card.querySelector('.badge');
    badge.textContent = s.status;
    badge.dataset.status = s.status;
    const pct = s.progress === null ? 0 : Math.round(s.progress * 1000) / 10;
    const fill = card.querySelector('.fill');
    fill.style.width = `${pct}%`;
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

function buildCard(s) {
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
  setTimeout(() => renderRecent(s.id), 0);
  return card;
}

function renderRecent(stageId) {
  const card = document.querySelector(`.card[data-stage="${CSS.escape(stageId)}"]`);
  if (!card) return;
  const ul = card.querySelector('.recent');
  ul.replaceChildren(...(state.recent.get(stageId) || []).map((ev) =>
    el('li', { onclick: () => openEvent(ev.id), title: ev.errorMessage || ev.fileName || ev.eventType },
      el('span', { class: 't' }, fmtTime(ev.timestamp)),
      el('span', { class: `type-${ev.eventType}` }, ev.eventType),
      el('span', { class: 'f' }, ev.fileName || ev.errorMessage || ''))));
}

function fillStageFilter(stages) {
  const sel = $('log-stage');
  const want = stages.map((s) => s.id).join('\n');
  if (sel.dataset.stages === want) return;
  sel.dataset.stages = want;
  const keep = sel.value;
  sel.replaceChildren(el('option', { value: '' }, 'All stages'),
    ...stages.map((s) => el('option', { value: s.id }, s.title)));
  sel.value = keep;
}

// ---- event log ----------------------------------------------------------------------------

function shownBatchId() {
  if (state.viewingBatch !== null) return state.viewingBatch;
  return state.snapshot && state.snapshot.batch ? state.snapshot.batch.id : null;
}

function matchesLogFilters(ev) {
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

function logRow(ev) {
  const detail = [];
  if (ev.invalid) detail.push(el('span', { class: 'flag' }, `invalid: ${ev.invalid}`));
  detail.push(ev.errorMessage || (ev.durationMs !== null ? `${ev.durationMs} ms` : '') ||
    (ev.processedFiles !== null ? `${ev.processedFiles} processed` : ''));
  return el('tr', { dataset: { id: String(ev.id) }, onclick: () => openEvent(ev.id) },
    el('td', {}, fmtTime(ev.timestamp)),
    el('td', {}, ev.stage || ''),
    el('td', { class: `type-${ev.eventType}` }, ev.eventType),
    el('td', { title: ev.fileName || '' }, ev.fileName || ''),
    el('td', { title: ev.errorMessage || '' }, ...detail));
}

async function loadLog(reset) {
  const batch = shownBatchId();
  const rows = $('log-rows');
  if (batch === null) { rows.replaceChildren(); return; }
  const params = { limit: String(LOG_PAGE) };
  if ($('log-stage').value) params.stage = $('log-stage').value;
  if ($('log-type').value) params.type = $('log-type').value;
  if ($('log-q').value.trim()) params.q = $('log-q').value.trim();
  if (!reset && state.logBefore) params.before_id = String(state.logBefore);
  try {
    const r = await getJson(`/api/batch/${batch}/logs?${q(params)}`);
    if (reset) rows.replaceChildren();
    for (const ev of r.events) {
      if (!rows.querySelector(`tr[data-id="${ev.id}"]`)) rows.append(logRow(ev));
    }
    state.logBefore = r.nextBeforeId;
    $('log-older').hidden = r.nextBeforeId === null;
  } catch (err) {
    console.warn(err);
  }
}

async function loadErrors() {
  const batch = shownBatchId();
  const ul = $('errors');
  if (batch === null) { ul.replaceChildren(); return; }
  try {
    const r = await getJson(`/api/batch/${batch}/errors?${q({})}`);
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

async function loadHistory(reset) {
  const params = { limit: '15' };
  if (!reset && state.historyBefore) params.before = String(state.historyBefore);
  try {
    const r = await getJson(`/api/batches?${q(params)}`);
    const ul = $('history');
    if (reset) ul.replaceChildren();
    for (const b of r.batches) {
      ul.append(el('li', {}, el('button', { type: 'button', onclick: () => viewBatch(b.id) },
        el('span', {}, `Batch ${b.id}`),
        el('span', { class: 'badge', dataset: { status: b.status } }, b.status),
        el('span', { class: 'muted' }, `${fmtNum(b.filesProcessed)}${b.files === null ? '' : ` of ${fmtNum(b.files)}`} files · ${fmtNum(b.filesFailed)} failed · ${new Date(b.start).toLocaleString()}`))));
    }
    state.historyBefore = r.nextBefore;
    $('history-older').hidden = r.nextBefore === null;
  } catch (err) {
    console.warn(err);
  }
}

async function viewBatch(id) {
  try {
    const stats = await getJson(`/api/batch/${id}/stats?${q({})}`);
    state.viewingBatch = id;
    $('viewing').hidden = false;
    $('viewing-id').textContent = String(id);
    renderSnapshot(stats);
    loadLog(true);
    loadErrors();
  } catch (err) {
    console.warn(err);
  }
}

async function backToLive() {
  state.viewingBatch = null;
  $('viewing').hidden = true;
  const snap = await getJson(`/api/current-batch?${q({})}`);
  renderSnapshot(snap);
  loadLog(true);
  loadErrors();
}

// ---- payload viewer -------------------------------------------------------------------------

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

async function openEvent(id) {
  try {
    const ev = await getJson(`/api/events/${id}?${q({})}`);
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
    const dialog = $('viewer');
    if (!dialog.open) dialog.showModal();
  } catch (err) {
    console.warn(err);
  }
}

async function copyText(id, button) {
  const text = $(id).textContent;
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
  setTimeout(() => { button.textContent = 'Copy'; }, 1500);
}

// ---- start ----------------------------------------------------------------------------------

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  try { localStorage.setItem('pe-theme', theme); } catch { /* private mode */ }
}

async function selectPipeline(name) {
  state.pipeline = name;
  state.lastEventId = null;
  state.viewingBatch = null;
  state.recent.clear();
  $('stages').replaceChildren();
  $('viewing').hidden = true;
  const url = new URL(window.location);
  url.searchParams.set('pipeline', name);
  history.replaceState(null, '', url);
  try {
    renderSnapshot(await getJson(`/api/current-batch?${q({})}`));
  } catch (err) {
    console.warn(err);
  }
  loadLog(true);
  loadErrors();
  loadHistory(true);
  connect();
}

async function main() {
  let theme = null;
  try { theme = localStorage.getItem('pe-theme'); } catch { /* private mode */ }
  applyTheme(theme || (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
  $('theme').addEventListener('click', () =>
    applyTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark'));
  $('log-type').append(...EVENT_TYPES.map((t) => el('option', { value: t }, t)));
  $('log-filters').addEventListener('submit', (e) => { e.preventDefault(); loadLog(true); });
  $('log-older').addEventListener('click', () => loadLog(false));
  $('history-older').addEventListener('click', () => loadHistory(false));
  $('back-live').addEventListener('click', backToLive);
  $('viewer-close').addEventListener('click', () => $('viewer').close());
  for (const b of document.querySelectorAll('[data-copy]')) {
    b.addEventListener('click', () => copyText(b.dataset.copy, b));
  }
  $('pipeline').addEventListener('change', (e) => selectPipeline(e.target.value));

  const info = await getJson('/api/pipelines');
  state.pipelines = info.pipelines;
  $('pipeline').replaceChildren(...info.pipelines.map((p) => el('option', { value: p.name }, p.name)));
  if (info.grafanaUrl && /^https?:\/\//i.test(info.grafanaUrl)) {
    const a = $('grafana');
    a.href = info.grafanaUrl;
    a.hidden = false;
  }
  const wanted = new URLSearchParams(window.location.search).get('pipeline');
  const first = info.pipelines.some((p) => p.name === wanted) ? wanted : info.pipelines[0].name;
  $('pipeline').value = first;
  await selectPipeline(first);
}

main();
