/* global process, Buffer, setTimeout, setInterval, clearInterval -- run by the Windows node.exe under Wine (bench/wine.ts) */
// The Windows half of `npm run bench:wine`: one process per input path (native hooks or uiohook-napi), plus the
// capture, window and library calls, answering the Linux side's calls over loopback (tests/wine/support/probe-client.ts).
// Plain JavaScript: no loader runs in the measured process. CPU is process.cpuUsage(): under Wine it equals the Linux
// process's utime + stime, every thread included (checked against /proc with a worker thread spinning); the
// wineserver's share is read on the Linux side (wineserver.ts).
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadWin32Addon } from '../../dist/main/native/load.js';
import { createNativeSensors } from '../../dist/main/sensors/native/index.js';
import { answerCalls } from '../../tests/wine/support/answer-calls.mjs';

const require = createRequire(import.meta.url);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const cpuMs = () => {
  const cpu = process.cpuUsage();
  return (cpu.user + cpu.system) / 1000;
};
const p50 = (values) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil(values.length / 2) - 1)];

/** The two input paths behind one shape: load once, then start / drain / stop per run. */
const inputPaths = {
  native: () => {
    const addon = loadWin32Addon();
    if (addon.status !== 'loaded') throw Object.assign(new Error(addon.reason), { code: 'ERR_NATIVE_UNAVAILABLE' });
    let recorder = null;
    return {
      // start() returns at once; the hook thread installs both hooks and then runs its message loop.
      start: async () => {
        recorder = new addon.addon.InputRecorder();
        recorder.start();
        while (recorder.state().phase === 'starting') await sleep(1);
        if (!recorder.running()) throw Object.assign(new Error(`hooks failed: ${recorder.failure()}`), { code: 'ERR_HOOK' });
      },
      drain: () => {
        const c = recorder.drain();
        return { keyboard: c.keys, clicks: c.clicks, wheel: c.wheel, moves: c.moves, samePoint: 0 };
      },
      stop: () => recorder.stop(),
    };
  },
  // What the uiohook backend does: a JS listener per event, counting. samePoint: moves to the point of the move
  // before (the native hook does not count those), to explain a difference in moves on the same events.
  uiohook: () => {
    const { uIOhook } = require('uiohook-napi');
    const counts = { keyboard: 0, clicks: 0, wheel: 0, moves: 0, samePoint: 0 };
    let last = null;
    uIOhook.on('keydown', () => (counts.keyboard += 1));
    uIOhook.on('mousedown', () => (counts.clicks += 1));
    uIOhook.on('wheel', () => (counts.wheel += 1));
    uIOhook.on('mousemove', (event) => {
      counts.moves += 1;
      if (last?.x === event.x && last.y === event.y) counts.samePoint += 1;
      last = { x: event.x, y: event.y };
    });
    return {
      start: async () => uIOhook.start(),
      drain: () => {
        const batch = { ...counts };
        counts.keyboard = counts.clicks = counts.wheel = counts.moves = counts.samePoint = 0;
        return batch;
      },
      stop: () => uIOhook.stop(),
    };
  },
};

let input = null;
let run = null;

const add = (total, c) => {
  for (const key of Object.keys(total)) total[key] += c[key];
};

let sensors = null;
const nativeSensors = () => {
  sensors ??= createNativeSensors({ channels: 3, area: 'primary', output: 'jpeg' });
  if (!sensors.ok) throw Object.assign(new Error(sensors.reason), { code: sensors.code });
  return sensors.sensors;
};

/**
 * Calls a library path once and says how it ended. `undefined` is no answer: active-win without its binary answers
 * every call with it. `why` checks the cause on this system rather than assuming it.
 */
async function attempt(call, timeoutMs, why) {
  const started = nowMs();
  const cause = why();
  try {
    const result = await Promise.race([call(), sleep(timeoutMs).then(() => Promise.reject(new Error(`no answer within ${timeoutMs} ms`)))]);
    const ms = nowMs() - started;
    if (result === undefined) return { ran: false, ms, code: null, message: 'answered undefined', cause };
    return { ran: true, ms, result: Buffer.isBuffer(result) ? `${result.length} bytes` : result, cause };
  } catch (error) {
    return { ran: false, ms: nowMs() - started, code: error?.code ?? null, message: String(error?.message ?? error).slice(0, 600), cause };
  }
}

/** Every csc.exe under %SystemRoot%\Microsoft.NET\Framework, where screenshot-desktop's .bat looks for one. */
function findCsc() {
  const root = join(process.env.SystemRoot ?? 'C:\\windows', 'Microsoft.NET', 'Framework');
  if (!existsSync(root)) return { root, exists: false, csc: [] };
  const csc = readdirSync(root, { recursive: true }).filter((entry) => String(entry).toLowerCase().endsWith('csc.exe'));
  return { root, exists: true, csc };
}

/** Where active-win's loader (node-pre-gyp) looks for its Windows binary, and whether it is there. */
function activeWinBinding() {
  const path = require('@mapbox/node-pre-gyp').find(require.resolve('active-win/package.json'));
  return { path, exists: existsSync(path) };
}

const handlers = {
  info: () => ({ platform: process.platform, arch: process.arch, node: process.version }),
  'input.load': ({ path }) => {
    const started = nowMs();
    input = inputPaths[path]();
    return { loadMs: nowMs() - started };
  },
  /** Hooks on; a drain once a second as the agent does; CPU counted from here. */
  'input.begin': async () => {
    const cpuBefore = cpuMs();
    const started = nowMs();
    await input.start();
    const startMs = nowMs() - started;
    input.drain();
    const total = { keyboard: 0, clicks: 0, wheel: 0, moves: 0, samePoint: 0 };
    run = { total, cpuAtBegin: cpuMs(), startCpuMs: cpuMs() - cpuBefore, timer: setInterval(() => add(total, input.drain()), 1000) };
    return { startMs };
  },
  /** What has been counted so far (the Linux side waits until it stops growing). */
  'input.total': () => {
    add(run.total, input.drain());
    return run.total;
  },
  'input.end': async () => {
    add(run.total, input.drain());
    const cpu = cpuMs() - run.cpuAtBegin;
    clearInterval(run.timer);
    await input.stop();
    const ended = { counts: run.total, cpuMs: cpu, startCpuMs: run.startCpuMs };
    run = null;
    return ended;
  },
  /** Raw capture of the primary monitor, and capture + JPEG as the agent takes it (1280 px, q70, no blur). */
  capture: async ({ runs }) => {
    const session = new (loadWin32Addon().addon.Win32Session)();
    const capturer = nativeSensors().capturer;
    const time = async (body) => {
      await body();
      const wall = [];
      const cpuBefore = cpuMs();
      let last = null;
      for (let i = 0; i < runs; i += 1) {
        const started = nowMs();
        last = await body();
        wall.push(nowMs() - started);
      }
      return { p50Ms: p50(wall), cpuMs: (cpuMs() - cpuBefore) / runs, last };
    };
    const raw = await time(() => session.capturePrimary(3));
    const jpeg = await time(() => capturer.capture({ blur: false }));
    session.close();
    return {
      raw: { p50Ms: raw.p50Ms, cpuMs: raw.cpuMs, width: raw.last.width, height: raw.last.height },
      jpeg: { p50Ms: jpeg.p50Ms, cpuMs: jpeg.cpuMs, width: jpeg.last.width, height: jpeg.last.height, bytes: jpeg.last.data.length },
    };
  },
  /** The agent's foreground-window sample (title, process image name, pid). */
  window: async ({ runs }) => {
    const sensor = nativeSensors().activeWindow;
    const sample = await sensor.sample();
    const wall = [];
    const cpuBefore = cpuMs();
    for (let i = 0; i < runs; i += 1) {
      const started = nowMs();
      await sensor.sample();
      wall.push(nowMs() - started);
    }
    return { p50Ms: p50(wall), cpuMs: (cpuMs() - cpuBefore) / runs, sample };
  },
  /** The library paths the agent would use on Windows without the addon, called as their backends call them. */
  'library.screenshot': () => attempt(() => require('screenshot-desktop')({ format: 'png' }), 120_000, findCsc),
  'library.activeWindow': () => attempt(() => require('active-win')(), 30_000, activeWinBinding),
};

answerCalls(Number(process.argv[2]), handlers, () => {
  if (sensors?.ok) sensors.sensors.close();
});
