// Starts a real weige-server --demo on a free loopback port over a fresh
// demo district in a temporary folder; the e2e harness (tests/e2e) and the
// mini-program's reconnect suite (tests/miniprogram) both use it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Runs `bin --db <tmp>/demo.db --listen 127.0.0.1:0 ...args --demo`.
 * Resolves {base, logins (the demo logins it printed, each person once:
 * {role, person_id, password, scope}), dir, stop()}.
 */
export async function startDemoServer(bin, { args = [], tmpPrefix = 'weige-server-' } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  const child = spawn(bin, ['--db', path.join(dir, 'demo.db'), '--listen', '127.0.0.1:0',
    ...args, '--demo'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logins = [];
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`weige-server did not start: ${out}${err}`)), 120000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`weige-server exited ${code}: ${out}${err}`));
    });
    child.stdout.on('data', (d) => {
      out += d;
      // "  worker  p-w-s1c1g1m1  demo-worker-2026  name  (scope)"
      for (const line of out.split('\n')) {
        const m = /^\s+(\w+)\s+(\S+)\s+(demo-\S+).*\((\S+)\)\s*$/.exec(line);
        if (!m || logins.some((l) => l.person_id === m[2])) continue;
        logins.push({ role: m[1], person_id: m[2], password: m[3], scope: m[4] });
      }
      const l = /listening on (http:\/\/\S+)/.exec(out);
      if (l) {
        clearTimeout(timer);
        resolve(l[1]);
      }
    });
  });
  return {
    base,
    logins,
    dir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
