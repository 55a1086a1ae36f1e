import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { daemonGroup } from './daemons.js';
import { freePort, isCi } from './postgres.js';

/**
 * A real OpenStack Swift with its S3 API (s3api + tempauth) for tests, from Debian's packages: the proxy, account,
 * container and object servers and a memcached of its own, all on loopback in a temp directory, one replica on one
 * device, started in the foreground by this process and stopped by their PIDs. The recipe (issue 18's feasibility
 * run): `mount_check = false`, `swift_dir` set in every server's config (so /etc/swift is never read), each server
 * in a single process (`workers = 0`) run by the user running the tests (Swift drops to user `swift` by default),
 * and /usr/bin/python3 (the interpreter Debian's swift modules are installed for). Unlike Ceph, Swift deletes the
 * object's file on DeleteObject (a tombstone replaces it).
 */
export interface TestSwift {
  /** http://127.0.0.1:<port> of the proxy (s3api). */
  readonly endpoint: string;
  /** tempauth's account:user and its key, which s3api takes as the access key id and secret. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly region: string;
  /** Where the servers keep their bytes (the device's objects, containers and accounts): what a search for lingering bytes reads. */
  readonly dataDir: string;
  stop(): Promise<void>;
}

const PYTHON = '/usr/bin/python3';
const BINARIES = ['swift-proxy-server', 'swift-account-server', 'swift-container-server', 'swift-object-server'];

/** Why Swift tests cannot run here, or null when they can. Throws in CI instead of returning. */
export function swiftUnavailableReason(): string | null {
  const missing = [PYTHON, '/usr/bin/memcached', ...BINARIES.map((b) => `/usr/bin/${b}`)].filter((path) => !existsSync(path));
  const reason = missing.length > 0 ? `Swift is not installed (missing ${missing.join(', ')}; apt-get install swift-proxy swift-account swift-container swift-object memcached)` : null;
  if (reason && isCi()) throw new Error(`CI needs OpenStack Swift: ${reason}`);
  return reason;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Server = 'proxy' | 'account' | 'container' | 'object';
type Ring = 'account' | 'container' | 'object';

/** The [DEFAULT] every server shares: where it listens, its directories, no mount check, one process, our user. */
function defaults(dir: string, port: number): string {
  return `[DEFAULT]
bind_ip = 127.0.0.1
bind_port = ${port}
workers = 0
user = ${userInfo().username}
swift_dir = ${dir}
devices = ${join(dir, 'srv')}
mount_check = false
log_level = WARNING
`;
}

/** The proxy's middleware that needs no setting: its name in the pipeline and Swift's entry point. */
const PLAIN_FILTERS = {
  catch_errors: 'catch_errors',
  gatekeeper: 'gatekeeper',
  healthcheck: 'healthcheck',
  'proxy-logging': 'proxy_logging',
  listing_formats: 'listing_formats',
  copy: 'copy',
  dlo: 'dlo',
  slo: 'slo',
};

function serverConfig(server: Server, dir: string, port: number, memcachedPort: number, user: { account: string; name: string; key: string }): string {
  if (server !== 'proxy') {
    return `${defaults(dir, port)}
[pipeline:main]
pipeline = ${server}-server

[app:${server}-server]
use = egg:swift#${server}
`;
  }
  // s3api before tempauth: s3api checks the request's shape and hands tempauth the signature to verify.
  return `${defaults(dir, port)}
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy dlo slo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1

[filter:tempauth]
use = egg:swift#tempauth
user_${user.account}_${user.name} = ${user.key} .admin

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:${memcachedPort}

${Object.entries(PLAIN_FILTERS)
  .map(([name, entryPoint]) => `[filter:${name}]\nuse = egg:swift#${entryPoint}\n`)
  .join('')}`;
}

/**
 * The three rings (account, container, object), each of one device and one replica. swift-ring-builder would take
 * three runs per ring (create, add, rebalance), each paying Swift's imports (about 1 s of CPU apiece, far more on a
 * loaded 2-core machine), so this drives the same RingBuilder class that the command wraps, once for all three.
 */
function buildRings(dir: string, ports: Record<Ring, number>): void {
  const script = `
import json, sys
from swift.common.ring import RingBuilder
dir, ports = sys.argv[1], json.loads(sys.argv[2])
for name, port in ports.items():
    builder = RingBuilder(4, 1, 0)  # 2**4 partitions, 1 replica, no minimum hours between moves
    builder.add_dev({'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': port, 'device': 'd1', 'weight': 100})
    builder.rebalance()
    builder.get_ring().save('%s/%s.ring.gz' % (dir, name))
`;
  const result = spawnSync(PYTHON, ['-c', script, dir, JSON.stringify(ports)], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`building Swift's rings failed (${result.status ?? result.signal}): ${result.stderr.slice(-2000)}`);
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts a fresh Swift. Call swiftUnavailableReason() first to decide on skipping. */
export async function startSwift(): Promise<TestSwift> {
  const dir = mkdtempSync(join(tmpdir(), 'wt-swift-'));
  mkdirSync(join(dir, 'srv', 'd1'), { recursive: true });
  const daemons = daemonGroup('swift');
  const stop = async () => {
    await daemons.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports = { memcached: await freePort(), proxy: await freePort(), account: await freePort(), container: await freePort(), object: await freePort() };
    const user = { account: 'worktrace', name: 'tests', key: randomBytes(24).toString('base64url') };
    writeFileSync(join(dir, 'swift.conf'), `[swift-hash]\nswift_hash_path_suffix = ${randomBytes(8).toString('hex')}\n\n[storage-policy:0]\nname = one-replica\ndefault = yes\n`);
    buildRings(dir, ports);
    // memcached refuses to run as root unless told which user to be; it writes nothing, so staying root is harmless.
    daemons.start('memcached', '/usr/bin/memcached', ['-l', '127.0.0.1', '-p', String(ports.memcached), '-U', '0', '-m', '16', ...(process.getuid?.() === 0 ? ['-u', 'root'] : [])]);
    for (const server of ['account', 'container', 'object', 'proxy'] as const) {
      const conf = join(dir, `${server}-server.conf`);
      writeFileSync(conf, serverConfig(server, dir, ports[server], ports.memcached, user));
      daemons.start(server, PYTHON, [`/usr/bin/swift-${server}-server`, conf]);
    }
    const endpoint = `http://127.0.0.1:${ports.proxy}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (daemons.exits.length > 0) throw new Error(`Swift did not start: ${daemons.exits.join('; ')}`);
      const backends = await Promise.all([ports.memcached, ports.account, ports.container, ports.object].map(listening));
      const proxy = await fetch(`${endpoint}/healthcheck`).then((r) => r.ok, () => false);
      if (proxy && backends.every(Boolean)) break;
      if (Date.now() > deadline) throw new Error(`Swift did not answer on ${endpoint} within 60 s`);
      await sleep(100);
    }
    return {
      endpoint,
      credentials: { accessKeyId: `${user.account}:${user.name}`, secretAccessKey: user.key },
      region: 'us-east-1',
      dataDir: join(dir, 'srv'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
