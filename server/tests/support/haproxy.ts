import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, isCi } from './postgres.js';

export const HAPROXY = '/usr/sbin/haproxy';

/** Why HAProxy cannot run here, or null when it can. Throws in CI instead of returning. */
export function haproxyUnavailableReason(): string | null {
  const reason = existsSync(HAPROXY) ? null : 'HAProxy is not installed (apt-get install haproxy)';
  if (reason && isCi()) throw new Error(`CI needs HAProxy: ${reason}`);
  return reason;
}

export interface TestBalancer {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * HAProxy (Debian's) in front of worktrace-server instances (`host:port` each), as an operator would put it: round
 * robin, readiness checked every 300 ms on /api/v1/ready (an instance that dies refuses the check at once and is out
 * within a second; a slow answer under load gets 2 s before it counts as a failure), a
 * request that could not be sent to one instance sent to another, policy streams held as tunnels. Started in the
 * foreground by this process, stopped by its PID.
 */
export async function startHaproxy(servers: readonly string[]): Promise<TestBalancer> {
  const dir = mkdtempSync(join(tmpdir(), 'wt-haproxy-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'haproxy.cfg'),
    `global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  timeout check 2s
  retries 3
  option redispatch
  retry-on conn-failure empty-response response-timeout
frontend api
  bind 127.0.0.1:${port}
  default_backend servers
backend servers
  balance roundrobin
  option httpchk GET /api/v1/ready
  http-check expect status 200
${servers.map((s, i) => `  server s${i} ${s} check inter 300ms fall 3 rise 1`).join('\n')}
`,
  );
  const child = spawn(HAPROXY, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 300; i += 1) {
    if ((await fetch(`${url}/api/v1/ready`).then((r) => r.status, () => 0)) === 200) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error('HAProxy found no ready instance within 30 s');
}
