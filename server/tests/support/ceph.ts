import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { daemonGroup } from './daemons.js';
import { freePort, isCi } from './postgres.js';

/**
 * A real Ceph RADOS Gateway (S3) for tests, from Debian's packages: one monitor, one OSD (bluestore on a sparse file)
 * and radosgw, all on loopback, started in the foreground by this process and stopped by their PIDs. No manager is
 * needed. The recipe (issue 18's feasibility run): with authentication off (`auth_*_required = none`) every
 * messenger mode must be `crc`, or radosgw loops on authentication. Heavy on a 2-core machine (about 10 s to start,
 * about 150 MB): start one per test file (startCeph in beforeAll) and share it across the file's tests.
 */
export interface TestCeph {
  /** http://127.0.0.1:<port> of radosgw. */
  readonly endpoint: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly region: string;
  /** Where the cluster keeps its bytes (the OSD's block file, its data and the monitor's store): what a search for lingering bytes reads. */
  readonly dataDir: string;
  stop(): Promise<void>;
}

const BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw', 'radosgw-admin', 'monmaptool', 'ceph'];

/** Why Ceph tests cannot run here, or null when they can. Throws in CI instead of returning. */
export function cephUnavailableReason(): string | null {
  const missing = BINARIES.filter((b) => !['/usr/bin', '/usr/sbin', '/usr/local/bin'].some((dir) => existsSync(join(dir, b))));
  const reason = missing.length > 0 ? `Ceph is not installed (missing ${missing.join(', ')}; apt-get install ceph-mon ceph-osd ceph-common radosgw)` : null;
  if (reason && isCi()) throw new Error(`CI needs Ceph RGW: ${reason}`);
  return reason;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function run(command: string, args: string[], timeoutMs = 60_000): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: timeoutMs });
  if (result.status !== 0) throw new Error(`${command} ${args.slice(0, 3).join(' ')} failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout).slice(-2000)}`);
  return result.stdout;
}

function config(dir: string, fsid: string, monPort: number, rgwPort: number): string {
  return `[global]
fsid = ${fsid}
mon host = v2:127.0.0.1:${monPort}
public addr = 127.0.0.1
cluster addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
ms cluster mode = crc
ms service mode = crc
ms client mode = crc
ms mon cluster mode = crc
ms mon service mode = crc
ms mon client mode = crc
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
log file = ${dir}/log/$name.log
osd pool default size = 1
osd pool default min size = 1
mon allow pool size one = true
osd crush chooseleaf type = 0
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
mon data avail warn = 1
mon data avail crit = 0
[mon]
mon data = ${dir}/mon
[osd]
osd data = ${dir}/osd
osd objectstore = bluestore
bluestore block path = ${dir}/block.img
bluestore block create = true
bluestore block size = 1073741824
bluestore fsck on mount = false
osd memory target = 268435456
bluestore cache autotune = false
bluestore cache size = 67108864
[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:${rgwPort}
rgw data = ${dir}/rgw
`;
}

/** Starts a fresh cluster. Call cephUnavailableReason() first to decide on skipping. */
export async function startCeph(): Promise<TestCeph> {
  const dir = mkdtempSync(join(tmpdir(), 'wt-ceph-'));
  for (const sub of ['mon', 'osd', 'run', 'log', 'rgw']) mkdirSync(join(dir, sub));
  const daemons = daemonGroup('ceph');
  const stop = async () => {
    await daemons.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [monPort, rgwPort] = [await freePort(), await freePort()];
    const fsid = randomUUID();
    const conf = join(dir, 'ceph.conf');
    writeFileSync(conf, config(dir, fsid, monPort, rgwPort));
    const daemon = (command: string, args: string[]) => daemons.start(command, command, ['-f', '-c', conf, ...args]);
    run('monmaptool', ['--create', '--clobber', '--fsid', fsid, '--addv', 'a', `[v2:127.0.0.1:${monPort}]`, join(dir, 'monmap')]);
    run('ceph-mon', ['-c', conf, '--mkfs', '-i', 'a', '--monmap', join(dir, 'monmap')]);
    daemon('ceph-mon', ['-i', 'a']);
    const osdUuid = randomUUID();
    run('ceph', ['-c', conf, '--connect-timeout', '30', 'osd', 'new', osdUuid]);
    run('ceph-osd', ['-c', conf, '-i', '0', '--mkfs', '--osd-uuid', osdUuid], 120_000);
    daemon('ceph-osd', ['-i', '0']);
    daemon('radosgw', ['-n', 'client.rgw']);
    const endpoint = `http://127.0.0.1:${rgwPort}`;
    const deadline = Date.now() + 90_000;
    for (;;) {
      const up = await fetch(endpoint).then((r) => r.ok, () => false);
      if (up) break;
      if (Date.now() > deadline) throw new Error(`radosgw did not answer on ${endpoint} within 90 s`);
      await sleep(250);
    }
    const credentials = { accessKeyId: `WT${randomBytes(9).toString('hex').toUpperCase()}`, secretAccessKey: randomBytes(30).toString('base64url') };
    run('radosgw-admin', ['-c', conf, 'user', 'create', '--uid', 'worktrace-test', '--display-name', 'worktrace test', '--access-key', credentials.accessKeyId, '--secret-key', credentials.secretAccessKey]);
    return { endpoint, credentials, region: 'us-east-1', dataDir: dir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Makes bucket `name` in an S3-compatible store started by a test, Ceph's or Swift's (path-style, as the server addresses it). */
export async function createBucket(store: Pick<TestCeph, 'endpoint' | 'region' | 'credentials'>, name: string): Promise<void> {
  const admin = new S3Client({ endpoint: store.endpoint, region: store.region, credentials: store.credentials, forcePathStyle: true });
  try {
    await admin.send(new CreateBucketCommand({ Bucket: name }));
  } finally {
    admin.destroy();
  }
}
