// Cross-origin safety in a real browser. alice is signed in to the exporter (basic auth that
// Chromium re-sends), then opens a page of another origin that tries to cancel the running
// batch and to silence an alert: an HTML form POST (text/plain, no preflight) and fetch() with
// credentials, to both endpoints. Every attempt is refused, nothing reaches the control table
// or Alertmanager, and the refusals are counted. The page's own buttons keep working
// (control.test.mjs, alerts.test.mjs run the same rule).

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  aliceAuth, exporterBinary, freePort, launchChromium, startAlertmanager, startServer, stopServer,
  writeAliceWebConfig,
} from './harness.mjs';

const auth = aliceAuth;

let dir, port, amPort, evilPort, exporter, alertmanager, evil, browser;
let evilPage = '';

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pe-xorigin-'));
  ({ proc: alertmanager, port: amPort } = await startAlertmanager(dir));

  port = await freePort();
  writeAliceWebConfig(dir);
  writeFileSync(path.join(dir, 'exporter.yml'), [
    'web:',
    `  alertmanager_url: "http://127.0.0.1:${amPort}"`,
    'control:',
    '  enabled: true',
    'pipelines:',
    '  - name: demo',
    `    database: "sqlite3://db=${path.join(dir, 'events.db')}"`,
    '    poll_interval: 100ms',
    ''].join('\n'));
  exporter = await startServer(exporterBinary, ['--demo', '--demo.speed=0.5', `--config.file=${path.join(dir, 'exporter.yml')}`,
    `--web.config.file=${path.join(dir, 'web.yml')}`, `--web.listen-address=127.0.0.1:${port}`],
  { cwd: dir, readyUrl: `http://127.0.0.1:${port}/api/health`, headers: auth, what: 'pipeline_exporter' });

  // The other origin: localhost (another site than 127.0.0.1) on a port of its own.
  evilPort = await freePort();
  evil = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(evilPage);
  });
  await new Promise((resolve) => evil.listen(evilPort, '127.0.0.1', resolve));
  browser = await launchChromium();
});

after(async () => {
  if (browser) await browser.close();
  if (evil) await new Promise((resolve) => evil.close(resolve));
  await stopServer(exporter);
  await stopServer(alertmanager);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const exporterUrl = (p) => `http://127.0.0.1:${port}${p}`;

async function currentBatch() {
  return (await (await fetch(exporterUrl('/api/current-batch'), { headers: auth })).json()).batch;
}

function controlRows() {
  return Number(execFileSync('sqlite3', ['-cmd', '.timeout 5000', path.join(dir, 'events.db'),
    'SELECT COUNT(*) FROM batchControl;']).toString().trim());
}

async function silences() {
  return (await (await fetch(`http://127.0.0.1:${amPort}/api/v2/silences`)).json()).length;
}

async function refused() {
  const text = await (await fetch(exporterUrl('/metrics'), { headers: auth })).text();
  const out = {};
  for (const m of text.matchAll(/^pipeline_exporter_http_cross_origin_refused_total\{reason="(\w+)"\} (\d+)$/gm)) {
    out[m[1]] = Number(m[2]);
  }
  return out;
}

test('a page of another origin cannot cancel a batch or silence an alert with the user\'s credentials', async () => {
  // A running batch and a firing alert of the pipeline.
  const deadline = Date.now() + 30000;
  let batch = await currentBatch();
  while (!batch || batch.status !== 'running') {
    assert.ok(Date.now() < deadline, 'the demo never ran a batch');
    await new Promise((r) => setTimeout(r, 100));
    batch = await currentBatch();
  }
  const fire = await fetch(`http://127.0.0.1:${amPort}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify([{ labels: { alertname: 'PipelineStalled', pipeline: 'demo', severity: 'critical' } }]),
  });
  assert.equal(fire.status, 200);
  let alerts = [];
  while (alerts.length === 0) {
    assert.ok(Date.now() < deadline, 'the alert never showed');
    alerts = (await (await fetch(exporterUrl('/api/alerts?pipeline=demo'), { headers: auth })).json()).alerts || [];
    if (alerts.length === 0) await new Promise((r) => setTimeout(r, 200));
  }
  const fingerprint = alerts[0].fingerprint;
  const control = exporterUrl(`/api/batch/${batch.id}/control?pipeline=demo`);
  const silence = exporterUrl('/api/alerts/silence?pipeline=demo');

  // alice signs in on the exporter's page: Chromium now holds her credentials.
  const context = await browser.newContext({ httpCredentials: { username: 'alice', password: 's3cret' } });
  const page = await context.newPage();
  await page.goto(exporterUrl('/'));
  await page.waitForFunction(() => document.querySelectorAll('#stages .card').length > 0, null, { timeout: 15000 });

  // The attacker's page: fetch() with credentials to both endpoints, then a form that posts
  // JSON-looking text/plain to the control endpoint (name + "=" + value is the body).
  evilPage = `<!doctype html><html><body>
<form id="f" method="post" enctype="text/plain" action="${control}">
<input type="hidden" name='{"action":"cancel","reason":"' value='evil"}'></form>
<pre id="out"></pre>
<script>
async function attack() {
  const results = [];
  for (const [url, body, type, mode] of [
    [${JSON.stringify(control)}, '{"action":"cancel","reason":"evil"}', 'text/plain', 'no-cors'],
    [${JSON.stringify(silence)}, '{"fingerprint":"${fingerprint}","durationSeconds":3600}', 'text/plain', 'no-cors'],
    [${JSON.stringify(control)}, '{"action":"cancel","reason":"evil"}', 'application/json', 'cors'],
  ]) {
    try {
      const r = await fetch(url, { method: 'POST', credentials: 'include', mode,
        headers: { 'Content-Type': type }, body });
      results.push(r.type);
    } catch (e) {
      results.push('blocked: ' + e.message);
    }
  }
  return results;
}
</script></body></html>`;
  await page.goto(`http://localhost:${evilPort}/`);
  const results = await page.evaluate(() => attack());
  assert.equal(results.length, 3);
  // The JSON fetch needs a preflight, and CORS is off: the browser never sends it.
  assert.match(results[2], /^blocked/);

  // The form: the browser navigates to the exporter's answer, a 403.
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.evaluate(() => document.getElementById('f').submit()),
  ]);
  assert.equal(response.status(), 403);
  assert.match(await page.textContent('body'), /cross-origin request refused/);

  // Nothing changed: no control row, no silence, the batch still runs; the refusals counted.
  assert.equal(controlRows(), 0);
  assert.equal(await silences(), 0);
  assert.equal((await currentBatch()).status, 'running');
  const counts = await refused();
  // The two simple fetches and the form reach the server and are refused for where they come
  // from, before any credentials are looked at.
  assert.equal(counts.sec_fetch_site, 3, JSON.stringify(counts));

  // The page's own request with the same credentials still works.
  await page.goto(exporterUrl('/'));
  const own = await page.evaluate(async (url) => {
    const r = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ action: 'pause', reason: 'from the page' }) });
    return r.status;
  }, control);
  assert.equal(own, 202);
  assert.equal(controlRows(), 1);
  await context.close();
});
