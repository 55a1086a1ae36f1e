/**
 * npm run bench:store-drivers: the agent's store on its two SQLite drivers side by side (src/main/store/sqlite):
 * better-sqlite3 (production) and node:sqlite (the Windows node.exe of the Wine lane). Each round writes the queue's
 * typical batches (bench/store-drivers/write-batches.ts: a segment with ten minutes and one encrypted screenshot, all
 * queued, then drained) into a fresh store, WAL and synchronous=FULL as the agent runs it, in a child process per
 * driver, alternating which goes first.
 *
 * The two cannot share a process: better-sqlite3 here is built for the suite's Node 20, node:sqlite needs Node 22
 * (the official Linux build from npm, tests/support/node-from-npm.ts). So each side has its own Node and its own
 * SQLite (better-sqlite3's bundled one, Node's); the table prints both versions. CPU is each child's own
 * process.cpuUsage() over the writes; medians of the rounds, and node:sqlite / better-sqlite3.
 *
 *   npm run bench:store-drivers [-- --segments 60] [-- --rounds 4] [-- --out FILE]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NODE_LINUX_22, nodeFromNpm } from '../tests/support/node-from-npm.js';
import { percentile, round } from './native/measure.js';

const { values } = parseArgs({ options: { segments: { type: 'string', default: '60' }, rounds: { type: 'string', default: '4' }, out: { type: 'string' } } });
const SEGMENTS = Number(values.segments);
const ROUNDS = Number(values.rounds);
const OUT = resolve(values.out ?? `bench-results/store-drivers-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
const CHILD = resolve('bench/store-drivers/write-batches.ts');
const DRIVERS = ['better-sqlite3', 'node:sqlite'] as const;
type Driver = (typeof DRIVERS)[number];

interface Figures {
  readonly driver: Driver;
  readonly node: string;
  readonly sqliteVersion: string;
  readonly written: { readonly wallMs: number; readonly cpuMs: number };
  readonly drained: { readonly wallMs: number; readonly cpuMs: number; readonly items: number };
}

function runChild(node: string, driver: Driver): Promise<Figures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wt-bench-drivers-'));
  return new Promise<Figures>((resolvePromise, reject) => {
    const child = spawn(node, ['--import', 'tsx', CHILD, driver, String(SEGMENTS), dataDir], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_NO_WARNINGS: '1' } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolvePromise(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Figures) : reject(new Error(`${driver} child exited with ${code}`))));
  }).finally(() => rmSync(dataDir, { recursive: true, force: true }));
}

const nodeOf: Record<Driver, string> = { 'better-sqlite3': process.execPath, 'node:sqlite': nodeFromNpm(NODE_LINUX_22, resolve('.tmp', 'node')) };
const runs: Record<Driver, Figures[]> = { 'better-sqlite3': [], 'node:sqlite': [] };
for (let round_ = 0; round_ < ROUNDS; round_ += 1) {
  const order = round_ % 2 === 0 ? DRIVERS : [...DRIVERS].reverse();
  for (const driver of order) runs[driver].push(await runChild(nodeOf[driver], driver));
}

const perSegment = (driver: Driver, pick: (f: Figures) => number): number => round(percentile(runs[driver].map((f) => pick(f) / SEGMENTS), 50), 3);
const rows: [string, (f: Figures) => number][] = [
  ['write one segment (10 minutes + screenshot), CPU ms', (f) => f.written.cpuMs],
  ['write one segment, wall ms', (f) => f.written.wallMs],
  ['drain one segment (2 items read + acknowledged), CPU ms', (f) => f.drained.cpuMs],
  ['drain one segment, wall ms', (f) => f.drained.wallMs],
];
const table = rows.map(([name, pick]) => {
  const better = perSegment('better-sqlite3', pick);
  const node = perSegment('node:sqlite', pick);
  return { measure: name, 'better-sqlite3': better, 'node:sqlite': node, 'node:sqlite / better-sqlite3': round(node / better, 2) };
});
const first = (driver: Driver): Figures => runs[driver][0]!;
console.log(
  `${SEGMENTS} segments per round, ${ROUNDS} rounds, medians per segment.\n` +
    DRIVERS.map((d) => `${d}: Node ${first(d).node}, SQLite ${first(d).sqliteVersion}, drained ${first(d).drained.items} items`).join('\n'),
);
console.table(table);
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify({ segments: SEGMENTS, rounds: ROUNDS, table, runs }, null, 2)}\n`);
console.log(`written ${OUT}`);
