// What the browser tests share: a free port, starting a server the test owns (the exporter,
// Alertmanager, Prometheus; it dies with the test) and waiting until it answers, stopping it, writing a row with the
// sqlite3 command as a pipeline would, and Debian's Chromium.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort, startServer, stopServer } from '../support/servers.mjs';

export { freePort, startServer, stopServer };

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// The exporter under test: PE_EXPORTER_BINARY (set by ctest), else the default build's.
export const exporterBinary = process.env.PE_EXPORTER_BINARY || path.join(repo, 'build', 'pipeline_exporter');

const sqlQuote = (s) => (s === null || s === undefined ? 'NULL' : `'${String(s).replaceAll("'", "''")}'`);

// INSERT INTO batchExecutionLog of the SQLite file `db`: { column: value } (numbers as numbers).
export function insertRow(db, row) {
  const cols = Object.keys(row);
  const values = cols.map((c) => (typeof row[c] === 'number' ? String(row[c]) : sqlQuote(row[c])));
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', db,
    `INSERT INTO batchExecutionLog (${cols.join(', ')}) VALUES (${values.join(', ')});`]);
}

// Debian's prometheus-alertmanager on a free port with a receiver that sends nothing, its
// files in `dir`: { proc, port }.
export async function startAlertmanager(dir) {
  const binary = process.env.PE_ALERTMANAGER || '/usr/bin/prometheus-alertmanager';
  const port = await freePort();
  writeFileSync(path.join(dir, 'alertmanager.yml'), 'route:\n  receiver: none\nreceivers:\n  - name: none\n');
  const proc = await startServer(binary, [
    `--config.file=${path.join(dir, 'alertmanager.yml')}`, `--storage.path=${path.join(dir, 'am')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address='],
  { cwd: dir, readyUrl: `http://127.0.0.1:${port}/-/ready`, what: 'prometheus-alertmanager' });
  return { proc, port };
}

// `dir`/web.yml with the user alice (password s3cret, bcrypt by htpasswd); the basic-auth
// header to send as her.
export const aliceAuth = { Authorization: `Basic ${Buffer.from('alice:s3cret').toString('base64')}` };
export function writeAliceWebConfig(dir) {
  const line = execFileSync('htpasswd', ['-nbBC', '10', 'alice', 's3cret']).toString().trim();
  const file = path.join(dir, 'web.yml');
  writeFileSync(file, `basic_auth_users:\n  alice: '${line.slice(line.indexOf(':') + 1)}'\n`);
  return file;
}

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.PE_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
