// The workers panel and the sub-stage timelines on the real binary's demo (six GPU workers,
// one flaky; sub-stages in two phases): the panel lists the workers the exporter reports,
// sorts them, and the cards draw the sub-stages the API shows.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exporterBinary, freePort, launchChromium, startServer, stopServer } from './harness.mjs';

const binary = exporterBinary;

let dir, port, exporter, browser;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pe-workers-'));
  port = await freePort();
  exporter = await startServer(binary, ['--demo', '--demo.speed=4', `--web.listen-address=127.0.0.1:${port}`],
    { cwd: dir, readyUrl: `http://127.0.0.1:${port}/api/health`, what: 'pipeline_exporter' });
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(exporter);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the workers panel lists and sorts the exporter\'s workers; cards show sub-stages', async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/`);
  // The demo's workers appear as their rows stream in (the panel refreshes at most every 10 s).
  await page.waitForFunction(() => document.querySelectorAll('#workers-rows tr').length >= 6,
    null, { timeout: 30000 });
  const api = await (await page.request.get(`http://127.0.0.1:${port}/api/workers`)).json();
  const workers = new Set(api.workers.map((w) => w.worker));
  for (const w of await page.$$eval('#workers-rows tr', (rows) => rows.map((r) => r.dataset.worker))) {
    assert.ok(workers.has(w), w);
  }
  assert.ok(await page.$$eval('#workers-rows tr', (r) => r.length) <= 30, 'at most 30 rows before "show all"');

  // Sorted by failure ratio (the default): the first row's ratio is the largest shown.
  const ratios = await page.$$eval('#workers-rows tr td:nth-child(5)', (tds) =>
    tds.map((td) => (td.textContent === '–' ? -1 : parseFloat(td.textContent))));
  assert.deepEqual(ratios, [...ratios].sort((a, b) => b - a));
  await page.click('#workers-table th[data-sort="throughput"]');
  assert.equal(await page.getAttribute('#workers-table th[data-sort="throughput"]', 'aria-sort'), 'descending');
  const rates = await page.$$eval('#workers-rows tr td:nth-child(6)', (tds) =>
    tds.map((td) => (td.textContent === '–' ? -1 : parseFloat(td.textContent))));
  assert.deepEqual(rates, [...rates].sort((a, b) => b - a));

  // Sub-stages: the stt card draws the timeline the API shows.
  await page.waitForFunction(() => document.querySelectorAll('.card[data-stage="stt"] .subs .sub').length >= 1,
    null, { timeout: 30000 });
  const shown = await page.$$eval('.card[data-stage="stt"] .subs .sub', (s) => s.map((x) => x.dataset.sub));
  const snap = await (await page.request.get(`http://127.0.0.1:${port}/api/current-batch`)).json();
  const stt = snap.stages.find((s) => s.id === 'stt');
  const ids = stt.subStages.map((s) => s.id);
  assert.ok(shown.every((id) => ['load_model', 'transcribe', 'align'].includes(id)), shown.join());
  assert.ok(ids.length >= shown.length - 1, `${ids} vs ${shown}`);  // the stream may be a burst ahead
  assert.equal(await page.isVisible('.card[data-stage="denoise"] .subs'), false);
  assert.deepEqual(errors, []);
  await page.close();
});
