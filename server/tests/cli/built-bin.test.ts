import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { binPath } from '../../../tests/support/built.js';
import { DEMO_ACCOUNTS } from '../../src/domain/demo.js';
import { launchChromium, type Chromium } from '../e2e/support/chromium.js';
import { openPage, signIn } from '../e2e/support/pages.js';
import { testBackends } from '../support/backends.js';
import { startServerProcess, stopProcess } from '../support/server-process.js';

const [CLIENT] = DEMO_ACCOUNTS;

describe.each(testBackends())('the built worktrace-server --demo on $name', (backend) => {
  let chromium: Chromium;
  const started: ChildProcess[] = [];
  const dirs: string[] = [];
  beforeAll(async () => {
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
  });
  afterEach(async () => {
    for (const child of started.splice(0)) await stopProcess(child);
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('answers the API and its OpenAPI document, serves the dashboard a client signs in to, and stops on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'wt-built-server-'));
    dirs.push(dataDir);
    const url = await backend.databaseUrl();
    // The BUILT bin (server/package.json "bin") under plain node: no tsx, no vitest resolver. serve-demo.test.ts covers
    // the flags from source; this covers what a person runs.
    const server = await startServerProcess([binPath('server', 'worktrace-server')], ['--demo', '--port', '0', '--data-dir', dataDir, ...(url ? ['--database', url] : [])]);
    started.push(server.child);
    const api = server.base;
    const origin = new URL(api).origin;
    const openapi = await fetch(`${api}/openapi.json`);
    expect(openapi.status).toBe(200);
    expect(((await openapi.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty('/api/v1/auth/token');
    const login = await fetch(`${api}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: CLIENT.email, password: CLIENT.password }),
    });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const contracts = (await (await fetch(`${api}/contracts`, { headers: { authorization: `Bearer ${token}` } })).json()) as { contracts: { name: string }[] };
    expect(contracts.contracts.map((c) => c.name)).toEqual(['Demo contract']);

    // The page and its modules come from server/dist/dashboard-client; the client signs in and sees the contract.
    const watched = await openPage(chromium.context);
    try {
      await signIn(watched.page, origin, CLIENT.email, CLIENT.password);
      await watched.page.locator('li.contract h2', { hasText: 'Demo contract' }).waitFor();
      expect(watched.problems).toEqual([]);
    } finally {
      await watched.page.close();
    }
    expect(await stopProcess(server.child)).toBe(0);
  });
});
