// The alerts panel against a real Alertmanager (Debian's prometheus-alertmanager on a free
// port) and the real binary's demo, a web-config user signed in: the pipeline's alerts are
// listed (another pipeline's are not), "Silence" creates a silence in Alertmanager in the
// user's name and the alert is marked; a stopped Alertmanager is said, the rest of the page
// keeps working.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  aliceAuth, exporterBinary, freePort, launchChromium, startAlertmanager, startServer, stopServer,
  writeAliceWebConfig,
} from './harness.mjs';

const binary = exporterBinary;

let dir, port, amPort, exporter, alertmanager, browser;
const auth = aliceAuth;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pe-alerts-'));
  ({ proc: alertmanager, port: amPort } = await startAlertmanager(dir));

  port = await freePort();
  writeAliceWebConfig(dir);
  writeFileSync(path.join(dir, 'exporter.yml'), [
    'web:',
    `  alertmanager_url: "http://127.0.0.1:${amPort}"`,
    'pipelines:',
    '  - name: demo',
    `    database: "sqlite3://db=${path.join(dir, 'events.db')}"`,
    ''].join('\n'));
  exporter = await startServer(binary, ['--demo', `--config.file=${path.join(dir, 'exporter.yml')}`,
    `--web.config.file=${path.join(dir, 'web.yml')}`, `--web.listen-address=127.0.0.1:${port}`],
  { cwd: dir, readyUrl: `http://127.0.0.1:${port}/api/health`, headers: auth, what: 'pipeline_exporter' });
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  await stopServer(exporter);
  await stopServer(alertmanager);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function fire(alerts) {
  const r = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(alerts.map(([alertname, pipeline, severity]) => ({
      labels: { alertname, pipeline, severity },
      annotations: { summary: `${alertname} on ${pipeline}` },
    }))),
  });
  assert.equal(r.status, 200);
}

test('the pipeline\'s alerts are listed and one is silenced from the page', async () => {
  await fire([['PipelineStalled', 'demo', 'critical'], ['PipelineErrorRateHigh', 'demo', 'warning'],
    ['PipelineStalled', 'other', 'critical']]);
  const context = await browser.newContext({ httpCredentials: { username: 'alice', password: 's3cret' } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.waitForFunction(() => document.querySelectorAll('#alerts li').length === 2, null, { timeout: 15000 });
  const text = await page.textContent('#alerts');
  assert.ok(text.includes('PipelineStalled on demo'), text);
  assert.ok(!text.includes('on other'), text);
  assert.equal(await page.textContent('#alerts-count'), '2 firing');
  // Critical first.
  assert.equal(await page.textContent('#alerts li:first-child strong'), 'PipelineStalled');

  await page.click('#alerts li:first-child button.silence');
  await page.waitForFunction(() => document.getElementById('silence-dialog').open);
  await page.selectOption('#silence-duration', '3600');
  await page.fill('#silence-comment', 'alice is on it');
  await page.click('#silence-send');
  await page.waitForFunction(() => !document.getElementById('silence-dialog').open, null, { timeout: 5000 });
  await page.waitForFunction(() => {
    const li = document.querySelector('#alerts li[data-state="silenced"]');
    return li && li.textContent.includes('silenced by alice');
  }, null, { timeout: 10000 });
  assert.ok((await page.textContent('#alerts li[data-state="silenced"]')).includes('alice is on it'));
  assert.equal(await page.textContent('#alerts-count'), '1 firing');

  // In Alertmanager: alice's silence, matching that alert's labels.
  const silences = await (await fetch(`http://127.0.0.1:${amPort}/api/v2/silences`)).json();
  assert.equal(silences.length, 1);
  assert.equal(silences[0].createdBy, 'alice');
  assert.equal(silences[0].comment, 'alice is on it');
  const matchers = Object.fromEntries(silences[0].matchers.map((m) => [m.name, m.value]));
  assert.deepEqual(matchers, { alertname: 'PipelineStalled', pipeline: 'demo', severity: 'critical' });
  const hours = (Date.parse(silences[0].endsAt) - Date.parse(silences[0].startsAt)) / 3600e3;
  assert.ok(Math.abs(hours - 1) < 0.01, `${hours} h`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a stopped Alertmanager is said on the page; the rest keeps working', async () => {
  await stopServer(alertmanager);
  const context = await browser.newContext({ httpCredentials: { username: 'alice', password: 's3cret' } });
  const page = await context.newPage();
  // The exporter shares an answer for 5 s; reload until its failure shows.
  const deadline = Date.now() + 20000;
  for (;;) {
    await page.goto(`http://127.0.0.1:${port}/`);
    const unreachable = await page.waitForFunction(
      () => document.getElementById('alerts-note').textContent.includes('unreachable'),
      null, { timeout: 3000 }).then(() => true, () => false);
    if (unreachable) break;
    assert.ok(Date.now() < deadline, 'the page never said Alertmanager is unreachable');
  }
  await page.waitForFunction(() => document.querySelectorAll('#stages .card').length > 0, null, { timeout: 10000 });
  assert.equal(await page.$$eval('#alerts li', (l) => l.length), 0);
  await context.close();
});
