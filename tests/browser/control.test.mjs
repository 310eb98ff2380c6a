// Batch control on the page, over the real binary's demo (which acts on control requests as a
// pipeline does), with a web-config user signed in through HTTP basic auth.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  aliceAuth, exporterBinary, freePort, launchChromium, startServer, stopServer, writeAliceWebConfig,
} from './harness.mjs';

const binary = exporterBinary;

let dir, port, exporter, browser;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pe-control-'));
  port = await freePort();
  writeAliceWebConfig(dir);
  writeFileSync(path.join(dir, 'exporter.yml'), [
    'pipelines:',
    `  - name: demo`,
    `    database: "sqlite3://db=${path.join(dir, 'events.db')}"`,
    '    poll_interval: 100ms',
    'control:',
    '  enabled: true',
    ''].join('\n'));
  exporter = await startServer(binary, ['--demo', '--demo.speed=0.5', `--config.file=${path.join(dir, 'exporter.yml')}`,
    `--web.config.file=${path.join(dir, 'web.yml')}`, `--web.listen-address=127.0.0.1:${port}`],
  { cwd: dir, readyUrl: `http://127.0.0.1:${port}/api/health`, headers: aliceAuth, what: 'pipeline_exporter' });
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(exporter);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const status = (page) => page.textContent('#batch-status');

async function act(page, action, reason) {
  await page.click(`#control-${action}`);
  await page.waitForFunction(() => document.getElementById('control-dialog').open);
  await page.fill('#control-reason', reason);
  await page.click('#control-send');
  await page.waitForFunction(() => !document.getElementById('control-dialog').open, null, { timeout: 5000 });
}

test('pause, resume and cancel the demo\'s batch from the page', async () => {
  const context = await browser.newContext({ httpCredentials: { username: 'alice', password: 's3cret' } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => document.getElementById('batch-status').textContent === 'running' &&
    document.querySelectorAll('.card[data-status="processing"]').length > 0, null, { timeout: 30000 });
  assert.equal(await page.isVisible('#control-pause'), true);
  assert.equal(await page.isVisible('#control-resume'), false);

  await act(page, 'pause', 'GPU 3 too hot');
  await page.waitForFunction(() => document.getElementById('batch-status').textContent === 'paused',
    null, { timeout: 10000 });
  assert.equal(await page.isVisible('#control-resume'), true);
  assert.equal(await page.isVisible('#control-pause'), false);
  await page.waitForFunction(() => document.getElementById('control-history').textContent.includes('GPU 3 too hot'));
  assert.ok((await page.textContent('#control-history')).includes('alice'));
  const api = async () => (await (await page.request.get(`http://127.0.0.1:${port}/api/current-batch`)).json());
  assert.equal((await api()).batch.status, 'paused');

  await act(page, 'resume', 'cooled down');
  await page.waitForFunction(() => document.getElementById('batch-status').textContent === 'running',
    null, { timeout: 10000 });

  // Cancel asks first; "Back" leaves the batch running.
  await page.click('#control-cancel');
  await page.waitForFunction(() => document.getElementById('control-dialog').open);
  assert.ok((await page.textContent('#control-note')).includes('cannot be undone'));
  await page.click('#control-dialog button[value="back"]');
  await page.waitForFunction(() => !document.getElementById('control-dialog').open);
  assert.equal(await status(page), 'running');
  await act(page, 'cancel', 'wrong input folder');
  await page.waitForFunction(() => document.getElementById('batch-status').textContent === 'canceled',
    null, { timeout: 10000 });
  assert.equal(await page.isVisible('#control-buttons'), false);
  const canceled = await api();
  assert.ok(canceled.stages.some((s) => s.status === 'canceled') || canceled.stages.every((s) => s.status !== 'processing'));
  assert.equal(canceled.batch.control.length, 3);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a refused request leaves the dialog open with the exporter\'s answer', async () => {
  const context = await browser.newContext({ httpCredentials: { username: 'alice', password: 's3cret' } });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => document.getElementById('batch-status').textContent === 'running',
    null, { timeout: 60000 });
  await page.click('#control-pause');
  await page.evaluate(() => { document.getElementById('control-reason').removeAttribute('maxlength'); });
  await page.fill('#control-reason', 'é'.repeat(600));  // 1,200 bytes: over the limit
  await page.click('#control-send');
  await page.waitForFunction(() => !document.getElementById('control-error').hidden, null, { timeout: 5000 });
  assert.ok((await page.textContent('#control-error')).includes('invalid reason'));
  assert.equal(await page.evaluate(() => document.getElementById('control-dialog').open), true);
  await context.close();
});
