// Browser tests of the pipeline_exporter page: the real binary on a temporary SQLite file,
// real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core. Rows are
// written with the sqlite3 command, as a pipeline would write them.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exporterBinary, freePort, insertRow, launchChromium, startServer, stopServer } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const binary = exporterBinary;
const artifacts = process.env.PE_TEST_ARTIFACTS || path.join(repo, 'test-artifacts');

let dir, db, port, exporter, browser;

const insert = (row) => insertRow(db, row);

async function startExporter() {
  exporter = await startServer(binary, [`--config.file=${path.join(dir, 'exporter.yml')}`,
    `--web.listen-address=127.0.0.1:${port}`],
  { cwd: dir, readyUrl: `http://127.0.0.1:${port}/api/health`, what: 'pipeline_exporter' });
}

const stopExporter = () => stopServer(exporter);

async function openPage(viewport = { width: 1400, height: 1000 }) {
  const page = await browser.newPage({ viewport });
  page.consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') page.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => document.getElementById('conn').dataset.state === 'live');
  return page;
}

const processedText = (page, stage) =>
  page.textContent(`.card[data-stage="${stage}"] [data-k="processed"]`);

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pe-browser-'));
  db = path.join(dir, 'events.db');
  port = await freePort();
  writeFileSync(path.join(dir, 'exporter.yml'), [
    'pipelines:',
    '  - name: cofi',
    `    database: "sqlite3://db=${db}"`,
    '    poll_interval: 100ms',
    '    stages:',
    '      - { id: denoise, title: "Denoise" }',
    '      - { id: stt, title: "Speech to text" }',
    'web:',
    '  sse_heartbeat: 1s',
    ''].join('\n'));
  await startExporter();  // creates the table
  insert({ batchId: 1, eventType: 'batch_start', totalFiles: 10, requestPayload: '{"batchDate":"2024-01-12","batchNumber":1}' });
  insert({ batchId: 1, stage: 'stt', eventType: 'stage_start', totalFiles: 10 });
  insert({ batchId: 1, stage: 'stt', eventType: 'stage_complete', processedFiles: 10, failedFiles: 0 });
  insert({ batchId: 1, eventType: 'batch_complete' });
  insert({ batchId: 2, eventType: 'batch_start', totalFiles: 10, requestPayload: '{"batchDate":"2024-01-13","batchNumber":2}' });
  insert({ batchId: 2, stage: 'stt', eventType: 'stage_start', totalFiles: 10 });
  for (const f of ['a.wav', 'b.wav']) {
    insert({ batchId: 2, stage: 'stt', eventType: 'file_complete', fileName: f, durationMs: 1200,
      requestPayload: JSON.stringify({ file: f }), response: JSON.stringify({ text: 'hello' }) });
  }
  browser = await launchChromium();
  mkdirSync(artifacts, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  await stopExporter();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the page loads with the current batch', async () => {
  const page = await openPage();
  await page.waitForFunction(() => document.getElementById('batch-id').textContent === '2');
  assert.equal(await page.textContent('#batch-status'), 'running');
  assert.equal(await page.textContent('#batch-date'), '2024-01-13');
  assert.equal(await page.locator('.card').count(), 2);
  assert.equal((await processedText(page, 'stt')).trim(), '2 / 10');
  assert.equal(await page.textContent('.card[data-stage="denoise"] .badge'), 'pending');
  await page.waitForFunction(() => document.querySelectorAll('#log-rows tr').length >= 4);
  await page.waitForFunction(() => document.querySelectorAll('#history li').length === 2);
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});

test('a new row shows up in its card and moves the progress bar within 2 s', async () => {
  const page = await openPage();
  await page.waitForFunction(() =>
    document.querySelector('.card[data-stage="stt"] [data-k="processed"]')?.textContent === '2 / 10');
  const widthBefore = await page.$eval('.card[data-stage="stt"] .fill', (e) => e.style.width);
  const started = Date.now();
  insert({ batchId: 2, stage: 'stt', eventType: 'file_complete', fileName: 'c.wav' });
  await page.waitForFunction(() =>
    document.querySelector('.card[data-stage="stt"] [data-k="processed"]')?.textContent === '3 / 10',
  null, { timeout: 2000 });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.card[data-stage="stt"] .recent li')].some((li) => li.textContent.includes('c.wav')),
  null, { timeout: 2000 });
  assert.ok(Date.now() - started < 2000);
  assert.equal(widthBefore, '20%');
  await page.waitForFunction(() => document.querySelector('.card[data-stage="stt"] .fill')?.style.width === '30%',
    null, { timeout: 2000 });
  await page.close();
});

test('the indicator shows a server restart and the page catches up without missing events', async () => {
  const page = await openPage();
  await stopExporter();
  await page.waitForFunction(() => document.getElementById('conn').dataset.state !== 'live', null, { timeout: 10000 });
  // Written while the exporter is down.
  insert({ batchId: 2, stage: 'stt', eventType: 'file_complete', fileName: 'during-1.wav' });
  insert({ batchId: 2, stage: 'stt', eventType: 'file_complete', fileName: 'during-2.wav' });
  await startExporter();
  await page.waitForFunction(() => document.getElementById('conn').dataset.state === 'live', null, { timeout: 15000 });
  // Written after it came back.
  insert({ batchId: 2, stage: 'stt', eventType: 'file_complete', fileName: 'after-1.wav' });
  await page.waitForFunction(() => {
    const names = [...document.querySelectorAll('.card[data-stage="stt"] .recent li')].map((li) => li.textContent);
    return ['during-1.wav', 'during-2.wav', 'after-1.wav'].every((n) => names.some((t) => t.includes(n)));
  }, null, { timeout: 5000 });
  await page.waitForFunction(() =>
    document.querySelector('.card[data-stage="stt"] [data-k="processed"]')?.textContent === '6 / 10', null, { timeout: 5000 });
  const recent = await page.$$eval('.card[data-stage="stt"] .recent li', (lis) => lis.map((li) => li.textContent));
  const dupes = recent.filter((t, i) => recent.indexOf(t) !== i);
  assert.deepEqual(dupes, []);
  await page.close();
});

test('stored text is shown as text and runs nothing', async () => {
  const hostile = '<img src=x onerror="window.__pwned=1">';
  const script = '</script><script>window.__pwned=2</script>';
  insert({ batchId: 2, stage: 'stt', eventType: 'error', fileName: hostile, errorMessage: script,
    requestPayload: `{"note":"${script.replaceAll('"', '\\"')}"}`, response: `${hostile}\r\n\r\nevent: x` });
  const page = await openPage();
  await page.waitForFunction((h) =>
    [...document.querySelectorAll('#log-rows tr')].some((tr) => tr.textContent.includes(h)), hostile, { timeout: 5000 });
  await page.locator('#log-rows tr', { hasText: hostile }).first().click();
  // The viewer opens at once and fills in when the event has been fetched.
  await page.waitForFunction(() => document.getElementById('viewer').open &&
    !document.getElementById('viewer-title').textContent.includes('loading'));
  assert.ok((await page.textContent('#viewer-response')).includes(hostile));
  assert.ok((await page.textContent('#viewer-error')).includes(script));
  assert.ok((await page.textContent('#viewer-request')).includes('window.__pwned=2'));
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.evaluate(() => document.querySelectorAll('img, script:not([src])').length), 0);
  await page.screenshot({ path: path.join(artifacts, 'payload-viewer.png') });
  await page.close();
});

test('CR, LF, U+2028 and invalid UTF-8 in stored text break neither the stream nor the page', async () => {
  const page = await openPage();
  const messages = [];
  page.on('dialog', (d) => { messages.push(d.message()); d.dismiss(); });
  // Written while the page is open: they travel through the event stream.
  insert({ batchId: 2, stage: 'stt', eventType: 'file_complete',
    fileName: 'sep\u2028para\u2029cr\rlf\n\nevent: forged\ndata: {"fileName":"forged.wav"}' });
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', db,
    "INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName) " +
    "VALUES (2, 'stt', 'file_complete', CAST(X'62616420FFFE2E776176' AS TEXT));"]);
  insert({ batchId: 2, stage: 'stt', eventType: 'file_complete', fileName: 'after-hostile.wav' });
  // The row after them still arrives live, so the stream was not cut or desynchronised.
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#log-rows tr')].some((tr) => tr.textContent.includes('after-hostile.wav')),
  null, { timeout: 5000 });
  const rows = await page.$$eval('#log-rows tr', (trs) => trs.map((tr) => tr.textContent));
  assert.ok(rows.some((t) => t.includes('sep\u2028para')), 'the U+2028 row is shown');
  assert.ok(rows.some((t) => t.includes('bad \uFFFD')), 'invalid UTF-8 is shown repaired');
  assert.ok(!rows.some((t) => t.includes('forged.wav') && !t.includes('event: forged')),
    'no row was forged from the text');
  assert.deepEqual(messages, []);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await page.close();
});

test('a past batch opens from the history', async () => {
  const page = await openPage();
  await page.waitForFunction(() => document.querySelectorAll('#history li').length === 2);
  await page.locator('#history button', { hasText: 'Batch 1' }).click();
  await page.waitForFunction(() => !document.getElementById('viewing').hidden);
  assert.equal(await page.textContent('#batch-id'), '1');
  assert.equal(await page.textContent('.card[data-stage="stt"] .badge'), 'complete');
  await page.click('#back-live');
  await page.waitForFunction(() => document.getElementById('batch-id').textContent === '2');
  await page.close();
});

test('light and dark screenshots, and a phone-width layout without sideways scrolling', async () => {
  const page = await openPage();
  await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
  await page.screenshot({ path: path.join(artifacts, 'page-light.png') });
  await page.click('#theme');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.screenshot({ path: path.join(artifacts, 'page-dark.png') });
  await page.close();
  const phone = await openPage({ width: 390, height: 844 });
  assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= 391));
  await phone.screenshot({ path: path.join(artifacts, 'page-phone.png') });
  await phone.close();
});

test('a flood of 20,000 events: a bounded page, no polling, every figure the API\'s', async () => {
  const page = await openPage();
  await page.waitForFunction(() => document.getElementById('batch-id').textContent === '2');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const busy = async () => (await cdp.send('Performance.getMetrics')).metrics
    .find((m) => m.name === 'TaskDuration').value;
  // A new batch: the page switches to it from the stream alone.
  insert({ batchId: 3, eventType: 'batch_start', totalFiles: 10000 });
  insert({ batchId: 3, stage: 'denoise', eventType: 'stage_start', totalFiles: 10000 });
  insert({ batchId: 3, stage: 'stt', eventType: 'stage_start', totalFiles: 10000 });
  await page.waitForFunction(() => document.getElementById('batch-id').textContent === '3', null, { timeout: 5000 });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#log-rows tr')].filter((tr) => tr.textContent.includes('stage_start')).length === 2,
  null, { timeout: 5000 });

  const requests = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/') && u.pathname !== '/api/stream') requests.push(u.pathname + u.search);
  });
  const busyBefore = await busy();
  const writes = 160, perWrite = 125;  // 20,000 rows, one write every 250 ms: ~40 s
  const expected = { denoise: { processed: 0, failed: 0 }, stt: { processed: 0, failed: 0 } };
  let maxRows = 0, maxNodes = 0, n = 0;
  const started = Date.now();
  for (let w = 0; w < writes; ++w) {
    const t = Date.now();
    const values = [];
    for (let i = 0; i < perWrite; ++i, ++n) {
      const stage = n % 2 ? 'stt' : 'denoise';
      if (n % 100 === 99) {
        values.push(`(3, '${stage}', 'error', 'f${n}.wav', NULL, 'timeout after ${n} ms on gpu ${n % 4}')`);
        expected[stage].failed += 1;
      } else {
        values.push(`(3, '${stage}', 'file_complete', 'f${n}.wav', ${200 + (n % 700)}, NULL)`);
        expected[stage].processed += 1;
      }
    }
    execFileSync('sqlite3', ['-cmd', '.timeout 5000', db,
      `INSERT INTO batchExecutionLog (batchId, stage, eventType, fileName, durationMs, errorMessage) VALUES ${values.join(', ')};`]);
    if (w % 8 === 0) {
      const [rows, nodes] = await page.evaluate(() =>
        [document.querySelectorAll('#log-rows tr').length, document.getElementsByTagName('*').length]);
      maxRows = Math.max(maxRows, rows);
      maxNodes = Math.max(maxNodes, nodes);
    }
    if (w === writes / 2) await page.screenshot({ path: path.join(artifacts, 'page-mid-batch.png') });
    // The writer's pace (a pipeline writing ~500 rows a second), not a wait for the page.
    await new Promise((r) => setTimeout(r, Math.max(0, 250 - (Date.now() - t))));
  }
  const floodSeconds = (Date.now() - started) / 1000;
  const busySeconds = (await busy()) - busyBefore;
  const floodRequests = requests.length;

  // The exporter has every row; then each card shows exactly what /api/current-batch says.
  const maxId = Number(execFileSync('sqlite3', [db, 'SELECT MAX(id) FROM batchExecutionLog;']).toString().trim());
  let current;
  for (;;) {
    current = await (await fetch(`http://127.0.0.1:${port}/api/current-batch?pipeline=cofi`)).json();
    if (current.lastEventId >= maxId) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const s of current.stages) {
    assert.equal(s.processed, expected[s.id].processed, s.id);
    assert.equal(s.failed, expected[s.id].failed, s.id);
    const text = `${s.processed.toLocaleString('en-US')} / ${s.total.toLocaleString('en-US')}`;
    await page.waitForFunction(([id, want]) =>
      document.querySelector(`.card[data-stage="${id}"] [data-k="processed"]`).textContent === want,
    [s.id, text], { timeout: 5000 });
    assert.equal((await page.textContent(`.card[data-stage="${s.id}"] [data-k="failed"]`)).trim(),
      s.failed.toLocaleString('en-US'));
  }

  // A row written after the flood is on the page within a second.
  const t0 = Date.now();
  insert({ batchId: 3, stage: 'stt', eventType: 'file_complete', fileName: 'after-flood.wav', durationMs: 5 });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#log-rows tr')].some((tr) => tr.textContent.includes('after-flood.wav')),
  null, { timeout: 5000, polling: 'raf' });
  const arrivalMs = Date.now() - t0;

  // A click opens the payload viewer, filled, within half a second.
  const t1 = Date.now();
  await page.locator('#log-rows tr', { hasText: 'after-flood.wav' }).click();
  await page.waitForFunction(() => document.getElementById('viewer').open &&
    document.getElementById('viewer-title').textContent.includes('file_complete'), null, { timeout: 5000, polling: 'raf' });
  const viewerMs = Date.now() - t1;
  await page.click('#viewer-close');
  const rowsAfter = await page.evaluate(() => document.querySelectorAll('#log-rows tr').length);

  console.log(`# flood: ${n} events in ${floodSeconds.toFixed(1)} s; log rows in the DOM at most ${maxRows}` +
    ` (${rowsAfter} after); DOM nodes at most ${maxNodes}; /api requests during the flood ${floodRequests}` +
    ` (${[...new Set(requests.slice(0, floodRequests).map((r) => r.split('?')[0]))].join(', ')}); renderer busy ${busySeconds.toFixed(1)} s;` +
    ` a row written after it shown in ${arrivalMs} ms; viewer filled ${viewerMs} ms after the click`);
  assert.ok(maxRows <= 1000 && rowsAfter <= 1000, `log rows ${maxRows}/${rowsAfter}`);
  assert.ok(floodRequests <= 10, `API requests during the flood: ${requests.join(' ')}`);
  assert.ok(arrivalMs <= 1000, `a new row took ${arrivalMs} ms`);
  assert.ok(viewerMs <= 500, `the viewer took ${viewerMs} ms`);
  // Reading older rows: the window stays bounded, live rows are counted instead of drawn,
  // and "show newest" brings the newest back.
  for (let i = 0; i < 12; ++i) {
    const before = await page.evaluate(() => document.querySelector('#log-rows tr:last-child').dataset.id);
    await page.click('#log-older');
    await page.waitForFunction((id) => document.querySelector('#log-rows tr:last-child').dataset.id !== id, before);
  }
  assert.ok(await page.evaluate(() => document.querySelectorAll('#log-rows tr').length) <= 500);
  assert.equal(await page.isVisible('#log-newer'), true);
  assert.equal(await page.evaluate(() => document.querySelector('#log-rows tr[data-id]') &&
    [...document.querySelectorAll('#log-rows tr')].some((tr) => tr.textContent.includes('after-flood.wav'))), false);
  insert({ batchId: 3, stage: 'stt', eventType: 'file_complete', fileName: 'while-reading.wav' });
  await page.waitForFunction(() => /^1 newer event/.test(document.getElementById('log-newer').textContent), null, { timeout: 5000 });
  await page.click('#log-newer');
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#log-rows tr')].some((tr) => tr.textContent.includes('while-reading.wav')), null, { timeout: 5000 });
  assert.equal(await page.isVisible('#log-newer'), false);

  // Errors arrived during the flood: the groups show them without a reload.
  await page.waitForFunction(() => document.getElementById('errors').textContent.includes('timeout after N ms'),
    null, { timeout: 15000 });
  assert.deepEqual(page.consoleErrors, []);
  await page.close();
});
