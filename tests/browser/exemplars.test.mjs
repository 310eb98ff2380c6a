// From a spike to the file: Debian's Prometheus (exemplar storage on) scrapes the real
// exporter, and a link built from an exemplar it returns — `/#event=ID`, what Grafana's
// exemplar link opens — shows that event's payload viewer in real Chromium, in the right
// pipeline and batch, with a copyable link to itself.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exporterBinary, freePort, insertRow, launchChromium, startServer, stopServer } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = process.env.PE_TEST_ARTIFACTS || path.join(here, '..', '..', 'test-artifacts');
const prometheusBinary = process.env.PE_PROMETHEUS || '/usr/bin/prometheus';

let dir, port, promPort, exporter, prometheus, browser;
const docsDb = () => path.join(dir, 'docs.db');

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pe-exemplars-'));
  port = await freePort();
  promPort = await freePort();
  // Two pipelines: the link names only the event, the page finds the pipeline holding it.
  writeFileSync(path.join(dir, 'exporter.yml'), [
    'pipelines:',
    '  - name: cofi',
    `    database: "sqlite3://db=${path.join(dir, 'cofi.db')}"`,
    '    poll_interval: 100ms',
    '  - name: docs',
    `    database: "sqlite3://db=${docsDb()}"`,
    '    poll_interval: 100ms',
    ''].join('\n'));
  exporter = await startServer(exporterBinary, [`--config.file=${path.join(dir, 'exporter.yml')}`,
    `--web.listen-address=127.0.0.1:${port}`],
  { cwd: dir, readyUrl: `http://127.0.0.1:${port}/api/health`, what: 'pipeline_exporter' });

  // Batch 7 has the one file of the ≤ 1 s bucket; batch 8, the live one, only slow files.
  insertRow(docsDb(), { batchId: 7, eventType: 'batch_start', totalFiles: 2 });
  insertRow(docsDb(), { batchId: 7, stage: 'ocr', eventType: 'stage_start', totalFiles: 2 });
  insertRow(docsDb(), { batchId: 7, stage: 'ocr', eventType: 'file_complete', fileName: 'invoice-0042.pdf',
    durationMs: 800, requestPayload: '{"file":"invoice-0042.pdf"}', response: '{"pages":3}' });
  insertRow(docsDb(), { batchId: 7, stage: 'ocr', eventType: 'file_complete', fileName: 'invoice-0043.pdf', durationMs: 25000 });
  insertRow(docsDb(), { batchId: 7, stage: 'ocr', eventType: 'stage_complete', processedFiles: 2 });
  insertRow(docsDb(), { batchId: 7, eventType: 'batch_complete' });
  insertRow(docsDb(), { batchId: 8, eventType: 'batch_start', totalFiles: 5 });
  insertRow(docsDb(), { batchId: 8, stage: 'ocr', eventType: 'stage_start', totalFiles: 5 });
  insertRow(docsDb(), { batchId: 8, stage: 'ocr', eventType: 'file_complete', fileName: 'scan-1.pdf', durationMs: 42000 });

  writeFileSync(path.join(dir, 'prometheus.yml'), [
    'global:',
    '  scrape_interval: 1s',
    'scrape_configs:',
    '  - job_name: pipeline_exporter',
    '    static_configs:',
    `      - targets: ["127.0.0.1:${port}"]`,
    ''].join('\n'));
  prometheus = await startServer(prometheusBinary, [`--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${path.join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`,
    '--enable-feature=exemplar-storage'],
  { cwd: dir, readyUrl: `http://127.0.0.1:${promPort}/-/ready`, what: 'prometheus (Debian package prometheus)' });
  browser = await launchChromium();
  mkdirSync(artifacts, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(prometheus);
  await stopServer(exporter);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

// The exemplars Prometheus stored for `query` (within an hour of now).
async function exemplars(query) {
  const now = Math.floor(Date.now() / 1000);
  const q = new URLSearchParams({ query, start: String(now - 3600), end: String(now + 3600) });
  const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query_exemplars?${q}`);
  const body = await r.json();
  return body.status === 'success' ? body.data.flatMap((s) => s.exemplars) : [];
}

async function waitForExemplar(query) {
  const deadline = Date.now() + 60000;
  for (;;) {
    const found = await exemplars(query);
    if (found.length > 0) return found[0];
    if (Date.now() > deadline) throw new Error(`Prometheus stored no exemplar for ${query}: ${prometheus.log()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('an exemplar from Prometheus opens its file in the payload viewer, in its pipeline and batch', async () => {
  const exemplar = await waitForExemplar('pipeline_file_duration_seconds_bucket{pipeline="docs",le="1"}');
  assert.equal(exemplar.labels.batch_id, '7');
  const id = exemplar.labels.event_id;

  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // As Grafana's exemplar link opens it: the id only (the page starts on pipeline cofi).
  await page.goto(`http://127.0.0.1:${port}/#event=${id}`);
  await page.waitForFunction(() => document.getElementById('viewer').open);
  await page.waitForFunction((want) => document.getElementById('viewer-title').textContent === `Event ${want} · file_complete`, id);
  assert.match(await page.textContent('#viewer-meta'), /invoice-0042\.pdf/);
  assert.match(await page.textContent('#viewer-request'), /"file": "invoice-0042\.pdf"/);
  assert.equal(await page.inputValue('#pipeline'), 'docs');
  // Its batch is shown, not the live one (8).
  await page.waitForFunction(() => !document.getElementById('viewing').hidden);
  assert.equal(await page.textContent('#viewing-id'), '7');
  const link = await page.textContent('#viewer-link');
  assert.equal(link, `http://127.0.0.1:${port}/?pipeline=docs#event=${id}`);
  await page.screenshot({ path: path.join(artifacts, 'viewer-from-exemplar.png') });

  // The viewer's own link, opened afresh, shows the same event.
  const again = await browser.newPage();
  await again.goto(link);
  await again.waitForFunction((want) => document.getElementById('viewer-title').textContent === `Event ${want} · file_complete`, id);
  await again.close();

  // The counter's exemplar is an event of the table too.
  const completed = await waitForExemplar('pipeline_files_completed_total{pipeline="docs"}');
  const r = await fetch(`http://127.0.0.1:${port}/api/events/${completed.labels.event_id}?pipeline=docs`);
  assert.equal(r.status, 200);
  assert.equal((await r.json()).eventType, 'file_complete');
  assert.deepEqual(errors, []);
  await page.close();
});

test('a link to an event no pipeline has says so', async () => {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/#event=999999`);
  await page.waitForFunction(() => document.getElementById('viewer-title').textContent === 'Event 999999 · could not be loaded');
  await page.close();
});
