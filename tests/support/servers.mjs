// Servers a node test owns, with no npm dependency (the browser and the Kubernetes tests
// share it): a free port, starting a server that dies with the test and waiting until it
// answers, stopping it.

import { spawn } from 'node:child_process';
import net from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const p = srv.address().port;
      srv.close(() => resolve(p));
    });
  });
}

// Starts `binary` with `args` in `cwd` and waits until GET `readyUrl` answers 200 (with
// `headers`); the process's stderr is kept for failure messages (`proc.log()`).
// The server dies with this test process even when it crashes before stopping it: util-linux's
// setpriv sets the parent-death signal and then runs the server in its place (same pid).
export async function startServer(binary, args, { cwd, readyUrl, headers = {}, what }) {
  const proc = spawn('setpriv', ['--pdeathsig', 'KILL', '--', binary, ...args],
    { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  proc.log = () => log;
  const deadline = Date.now() + 30000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${what} exited (${proc.exitCode}): ${log}`);
    try {
      const r = await fetch(readyUrl, { headers });
      if (r.status === 200) return proc;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`${what} did not answer ${readyUrl}: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function stopServer(proc) {
  if (!proc || proc.exitCode !== null) return;
  await new Promise((resolve) => { proc.once('exit', resolve); proc.kill('SIGTERM'); });
}
