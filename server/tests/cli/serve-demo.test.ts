import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testBackends } from '../support/backends.js';
import { REPO, SERVER_FROM_SOURCE, startServerProcess, stopProcess } from '../support/server-process.js';

describe.each(testBackends())('worktrace-server --demo on $name', (backend) => {
  const started: ChildProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const c of started.splice(0)) await stopProcess(c);
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('seeds the demo accounts and contract idempotently, prints them, and stops cleanly on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-cli-'));
    dirs.push(dataDir);
    const url = await backend.databaseUrl();
    const args = ['--demo', '--port', '0', '--data-dir', dataDir, '--demo-segment-seconds', '60', ...(url ? ['--database', url] : [])];
    for (let run = 0; run < 2; run += 1) {
      const server = await startServerProcess(SERVER_FROM_SOURCE, args);
      started.push(server.child);
      expect(server.output()).toContain('client@demo.test / demo-client-pass');
      const login = await fetch(`${server.base}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'client@demo.test', password: 'demo-client-pass' }),
      });
      expect(login.status).toBe(200);
      const { token } = (await login.json()) as { token: string };
      const contracts = (await (await fetch(`${server.base}/contracts`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        contracts: { name: string; freelancer: { email: string }; policy: { screenshots: string; segmentSeconds: number } }[];
      };
      expect(contracts.contracts).toHaveLength(1);
      expect(contracts.contracts[0]).toMatchObject({ name: 'Demo contract', freelancer: { email: 'freelancer@demo.test' }, policy: { screenshots: 'on', segmentSeconds: 60 } });
      for (const [email, password] of [
        ['freelancer@demo.test', 'demo-freelancer-pass'],
        ['other@demo.test', 'demo-other-pass'],
      ]) {
        const r = await fetch(`${server.base}/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
        expect(r.status).toBe(200);
      }
      expect(await stopProcess(server.child)).toBe(0);
      // Logs say who signed in, never with what.
      expect(server.output()).not.toContain(token);
    }
  });
});

describe('worktrace-server flags', () => {
  it('refuses bad flags with a one-line error and exit code 2', async () => {
    for (const args of [['--port', 'eighty'], ['--demo-segment-seconds', '45'], ['--database', 'mysql://x'], ['--nope']]) {
      const child = spawn(process.execPath, [...SERVER_FROM_SOURCE, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code, args.join(' ')).toBe(2);
      expect(err.trim().split('\n')).toHaveLength(1);
    }
  });
});
