// Makes docs/page.png: the real binary running its demo on a temporary SQLite file, the page
// in headless Chromium once a few batches are done and the next is mid-way.
// Usage: node screenshot.mjs [path/to/pipeline_exporter] [out.png]

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const binary = path.resolve(process.argv[2] || path.join(repo, 'build', 'pipeline_exporter'));
const out = process.argv[3] || path.join(repo, 'docs', 'page.png');

const port = await new Promise((resolve) => {
  const srv = net.createServer().listen(0, '127.0.0.1', () => {
    const p = srv.address().port;
    srv.close(() => resolve(p));
  });
});
const dir = mkdtempSync(path.join(os.tmpdir(), 'pe-shot-'));
const exporter = spawn(binary, ['--demo', `--web.listen-address=127.0.0.1:${port}`],
  { cwd: dir, stdio: 'ignore' });
const browser = await chromium.launch({ executablePath: process.env.PE_CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1900 } });
  for (let i = 0; ; ++i) {
    try { await page.goto(`http://127.0.0.1:${port}/`); break; } catch (e) { if (i > 100) throw e; await new Promise((r) => setTimeout(r, 100)); }
  }
  await page.evaluate(() => { document.documentElement.dataset.theme = 'light'; });
  // Two batches done, the third mid-way.
  await page.waitForFunction(() => {
    const done = [...document.querySelectorAll('#history .badge')].filter((b) => b.dataset.status !== 'running').length;
    const cards = [...document.querySelectorAll('.card')];
    const moving = cards.filter((c) => c.dataset.status === 'processing').length;
    const finished = cards.filter((c) => c.dataset.status === 'complete').length;
    return done >= 2 && moving >= 3 && finished >= 2;
  }, null, { timeout: 400000, polling: 500 });
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  exporter.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
