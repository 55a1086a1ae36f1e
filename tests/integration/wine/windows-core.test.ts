import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNativeX11, type NativeX11 } from '../../../src/main/native/x11.js';
import { startDisplay, type TestDisplay } from '../../support/display.js';
import { startProbe, type WindowsProbe } from '../../wine/support/probe-client.js';
import { REPO, findWineWindow, openWineLane, toWindowsPath, wineLaneProblem, type WineLane } from '../../wine/support/wine-lane.js';
import { agentStoreTests } from './agent-store.js';

/**
 * The native core on Windows, proven on every CI run without a Windows machine: the addon cross-built with
 * MinGW, loaded by the official Windows node.exe under Wine on a test's own Xvfb, driven through the agent's
 * own modules (tests/wine/probe.mjs), with xdotool input sent to a real Wine window (Notepad) and the X root
 * (read by the X11 addon) as the truth for pixels. What Wine cannot show is listed in native/README.md.
 */
const problem = wineLaneProblem();
const PREBUILD = join(REPO, 'native', 'prebuilds', 'win32-x64', 'worktrace_win32.napi.node');
const TITLE_FILE = 'worktrace-Ünïcødé ✓ 日本.txt';
/** Everything a Windows DLL of ours may import: Windows' own DLLs. Anything else would have to ship with it. */
const SYSTEM_DLLS = ['gdi32.dll', 'kernel32.dll', 'msvcrt.dll', 'ole32.dll', 'user32.dll'];

function buildInto(dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'native', 'scripts', 'build-win32.mjs'), '--out', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`cross-build failed: ${errors}`))));
  });
}

/** How many R,G,B pixels differ between two captures of the 1280-wide screen, and where. */
function differences(a: Buffer, b: Buffer): { pixels: number; box: string | null } {
  if (a.length !== b.length) return { pixels: Math.max(a.length, b.length) / 3, box: `sizes ${a.length} and ${b.length}` };
  let pixels = 0;
  const box = { left: Infinity, top: Infinity, right: -1, bottom: -1 };
  for (let i = 0; i < a.length; i += 3) {
    if (a[i] === b[i] && a[i + 1] === b[i + 1] && a[i + 2] === b[i + 2]) continue;
    pixels += 1;
    const x = (i / 3) % 1280;
    const y = Math.floor(i / 3 / 1280);
    Object.assign(box, { left: Math.min(box.left, x), top: Math.min(box.top, y), right: Math.max(box.right, x), bottom: Math.max(box.bottom, y) });
  }
  return { pixels, box: pixels === 0 ? null : `${box.left},${box.top} to ${box.right},${box.bottom}` };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(100);
    value = await read();
  }
  return value;
}

describe.skipIf(problem !== null)('the native core on Windows (Wine, the Windows node.exe)', () => {
  let display: TestDisplay;
  let lane: WineLane;
  let probe: WindowsProbe;
  let x11: NativeX11;
  let built: string;
  let notepad: number;
  /** The agent's own loader, on the committed prebuild: node-gyp-build skips native/build (the Linux build here). */
  const prebuildsOnly = { PREBUILDS_ONLY: '1' };

  beforeAll(async () => {
    display = await startDisplay({ width: 1280, height: 800 });
    lane = await openWineLane(display.display);
    built = join(lane.scratch, 'native', 'prebuilds', 'win32-x64');
    const building = buildInto(built);
    const file = join(lane.env.WINEPREFIX ?? '', 'drive_c', TITLE_FILE);
    writeFileSync(file, 'Worktrace\r\n');
    lane.start('notepad', [`C:\\${TITLE_FILE}`]);
    notepad = await findWineWindow(display, 'Notepad');
    display.run('xdotool', ['windowactivate', '--sync', String(notepad)]);
    probe = await startProbe(lane, prebuildsOnly);
    const opened = openNativeX11({ display: display.display });
    if (!opened.ok) throw opened.error;
    x11 = opened.x11;
    await building;
  }, 600_000);

  afterAll(async () => {
    const run = await probe?.close();
    if (run && run.code !== 0) console.error(`probe exited ${run.code}: ${run.stderr.slice(-2000)}`);
    x11?.session.close();
    await lane?.close();
    await display?.stop();
  }, 120_000);

  it('cross-builds byte for byte the committed prebuild, which imports only Windows DLLs (node.exe delay-loaded)', () => {
    const fresh = readFileSync(join(built, 'worktrace_win32.napi.node'));
    expect(fresh.equals(readFileSync(PREBUILD)), 'native/prebuilds/win32-x64 is stale: npm run build:native:win32').toBe(true);
    const dump = spawnSync('x86_64-w64-mingw32-objdump', ['-p', PREBUILD], { encoding: 'utf8' }).stdout;
    const imported = [...dump.matchAll(/DLL Name: (\S+)/g)].map((m) => (m[1] ?? '').toLowerCase()).sort();
    expect(imported).toEqual(SYSTEM_DLLS);
  });

  it('loads in node.exe through the agent loader, and in a host not named node.exe (as Electron is)', async () => {
    expect(await probe.call('info')).toMatchObject({ platform: 'win32', arch: 'x64' });
    expect(await probe.call('load')).toMatchObject({ status: 'loaded', abiVersion: 2, path: expect.stringMatching(/prebuilds\\win32-x64\\worktrace_win32\.napi\.node$/) });
    const hostDir = join(lane.scratch, 'host');
    mkdirSync(hostDir);
    copyFileSync(lane.nodeExe, join(hostDir, 'electron-host.exe'));
    const run = await lane.run(['-e', `const a = require(${JSON.stringify(toWindowsPath(PREBUILD))}); console.log(typeof a.Win32Session, a.platform)`], {
      program: toWindowsPath(join(hostDir, 'electron-host.exe')),
    });
    expect({ code: run.code, out: run.stdout.trim() }).toEqual({ code: 0, out: 'function win32' });
  });

  it('npm install on Windows takes the prebuild and compiles nothing', async () => {
    const run = await lane.run([toWindowsPath(join(REPO, 'native', 'scripts', 'install.mjs'))], { env: prebuildsOnly });
    expect({ code: run.code, out: run.stdout.trim(), err: run.stderr.trim() }).toEqual({ code: 0, out: '', err: '' });
  });

  it('the chooser picks the Windows backends and worktrace status names them', async () => {
    const chosen = await probe.call<{ report: { sensor: string; backend: string; status: string }[] }>('chooser');
    expect(chosen.report.map((r) => [r.sensor, r.backend, r.status])).toEqual([
      ['input', 'native-win32-hooks', 'ok'],
      ['window', 'native-win32', 'ok'],
      ['screenshots', 'native-gdi', 'ok'],
    ]);
  });

  it('reads the foreground Wine window: Unicode title, app and pid of its process', async () => {
    display.run('xdotool', ['windowactivate', '--sync', String(notepad)]);
    const seen = await eventually(
      () => probe.call<{ sample: { app: string; title: string; pid?: number; appNames?: string[] } | null }>('window'),
      (v) => v.sample?.title.includes('Ünïcødé') === true,
    );
    // appNames: what the private-window rules match the application by (the image's name, with and without .exe).
    expect(seen.sample).toEqual({ app: 'notepad', title: `${TITLE_FILE} - Notepad`, pid: expect.any(Number), appNames: ['notepad', 'notepad.exe'] });
  });

  it('counts exactly the keys, clicks, wheel notches and moves xdotool sends to the Wine window', async () => {
    display.run('xdotool', ['windowactivate', '--sync', String(notepad)]);
    expect(await probe.call('input.start')).toMatchObject({ status: 'ok', backend: 'native-win32-hooks' });
    display.run('xdotool', ['mousemove', '--window', String(notepad), '200', '200']);
    await eventually(() => probe.call<{ moves: number }>('input.drain'), (c) => c.moves > 0);
    await sleep(300);
    await probe.call('input.drain');

    type Counts = { keyboard: number; clicks: number; wheel: number; moves: number };
    /** Sends one kind of input, then drains until it is all counted and once more for any surplus. */
    const countsOf = async (send: () => void, expected: Counts): Promise<Counts> => {
      const total: Counts = { keyboard: 0, clicks: 0, wheel: 0, moves: 0 };
      const add = (c: Counts): Counts => {
        for (const k of Object.keys(total) as (keyof Counts)[]) total[k] += c[k];
        return total;
      };
      send();
      await eventually(
        async () => add(await probe.call<Counts>('input.drain')),
        (t) => (Object.keys(expected) as (keyof Counts)[]).every((k) => t[k] >= expected[k]),
      );
      await sleep(500);
      return add(await probe.call<Counts>('input.drain'));
    };

    const keys = 'qwertyuiopasdfghjklzxcv'.split('');
    expect(await countsOf(() => display.run('xdotool', ['key', '--delay', '5', ...keys]), { keyboard: 23, clicks: 0, wheel: 0, moves: 0 })).toEqual({
      keyboard: 23,
      clicks: 0,
      wheel: 0,
      moves: 0,
    });
    const clicks = (): void => {
      for (let i = 0; i < 7; i += 1) display.run('xdotool', ['click', '1']);
    };
    expect(await countsOf(clicks, { keyboard: 0, clicks: 7, wheel: 0, moves: 0 })).toEqual({ keyboard: 0, clicks: 7, wheel: 0, moves: 0 });
    const wheel = (): void => {
      display.run('xdotool', ['click', '--repeat', '5', '--delay', '5', '4']);
      display.run('xdotool', ['click', '--repeat', '3', '--delay', '5', '5']);
    };
    expect(await countsOf(wheel, { keyboard: 0, clicks: 0, wheel: 8, moves: 0 })).toEqual({ keyboard: 0, clicks: 0, wheel: 8, moves: 0 });
    // Wine merges motion events that are already queued together (as a busy Windows does), and on a loaded machine
    // a fixed pace does not keep them apart (30 of 40 were counted once). So each move waits until the one before it
    // was counted: the count stays exact however slow the machine is.
    const movesCounted = { keyboard: 0, clicks: 0, wheel: 0, moves: 0 };
    const addMoves = (c: Counts): Counts => {
      for (const k of Object.keys(movesCounted) as (keyof Counts)[]) movesCounted[k] += c[k];
      return movesCounted;
    };
    for (let i = 1; i <= 40; i += 1) {
      display.run('xdotool', ['mousemove', '--window', String(notepad), String(200 + i * 5), String(200 + (i % 7))]);
      await eventually(async () => addMoves(await probe.call<Counts>('input.drain')), (t) => t.moves >= i);
    }
    await sleep(500);
    expect(addMoves(await probe.call<Counts>('input.drain'))).toEqual({ keyboard: 0, clicks: 0, wheel: 0, moves: 40 });
    expect(await probe.call('input.stop')).toMatchObject({ status: 'ok', detail: 'stopped' });
  });

  it('idle time grows while nobody touches anything and drops back with input', async () => {
    const first = await probe.call<{ ms: number }>('idle');
    await sleep(1500);
    const later = await probe.call<{ ms: number; state: { backend: string } }>('idle');
    expect(later.state.backend).toBe('native-win32-idle');
    expect(later.ms - first.ms).toBeGreaterThanOrEqual(1000);
    display.run('xdotool', ['key', 'space']);
    const after = await eventually(() => probe.call<{ ms: number }>('idle'), (v) => v.ms < 1000);
    expect(after.ms).toBeLessThan(1000);
  });

  it('captures exactly the pixels of the X root', async () => {
    spawnSync('xsetroot', ['-solid', '#336699'], { env: display.env });
    const file = join(lane.scratch, 'capture.rgb');
    // Notepad's caret blinks: the two sides may see it in different phases, so a few tries are allowed.
    let differing = differences(Buffer.alloc(0), Buffer.alloc(0));
    let frame = { width: 0, height: 0, x: -1, y: -1, monitors: [] as unknown[] };
    for (let attempt = 0; attempt < 5 && (attempt === 0 || differing.pixels > 0); attempt += 1) {
      frame = await probe.call('capture.raw', { file: toWindowsPath(file) });
      differing = differences(readFileSync(file), x11.session.captureComposite(3).data);
    }
    expect(frame).toMatchObject({ x: 0, y: 0, width: 1280, height: 800, monitors: [expect.objectContaining({ primary: true, width: 1280, height: 800 })] });
    expect(differing).toEqual({ pixels: 0, box: null });
    const pixels = readFileSync(file);
    expect(pixels.subarray(0, 3)).toEqual(Buffer.from([0x33, 0x66, 0x99])); // the root's colour, in R,G,B order
  });

  it('takes the screenshot as the agent does: a JPEG from the shared encoder and WIC, blurred when asked', async () => {
    const sharp = (await import('sharp')).default;
    const file = join(lane.scratch, 'shot.jpg');
    const plain = await probe.call<{ kind: string; width: number; height: number; bytes: number }>('capture.jpeg', { blur: false, file: toWindowsPath(file) });
    expect(plain).toMatchObject({ kind: 'jpeg', width: 1280, height: 800, blurred: false, state: { backend: 'native-gdi' } });
    const decoded = await sharp(readFileSync(file)).raw().toBuffer({ resolveWithObject: true });
    expect(decoded.info).toMatchObject({ width: 1280, height: 800, channels: 3 });
    const blurred = await probe.call<{ bytes: number; blurred: boolean }>('capture.jpeg', { blur: true, file: toWindowsPath(file) });
    expect(blurred.blurred).toBe(true);
    expect(blurred.bytes).toBeLessThan(plain.bytes); // blur removes the detail JPEG spends bytes on
    expect(await probe.call('encode.invalid')).toMatchObject({ threw: true, code: 'ERR_INVALID_ARG' });
  });

  it("runs the agent's core (key store, encryption, data directory, native screenshot) under the Windows node", async () => {
    const results = join(lane.scratch, 'agent-core.jsonl');
    const run = await lane.run(
      // The reporter is imported as ESM: a file URL (a bare Z:\ path is not a valid specifier there).
      ['--test', `--test-reporter=file:///${toWindowsPath(join(REPO, 'tests', 'wine', 'support', 'json-reporter.mjs')).replaceAll('\\', '/')}`,
        `--test-reporter-destination=${toWindowsPath(results)}`, toWindowsPath(join(REPO, 'tests', 'wine', 'agent-core.test.mjs'))],
      { env: prebuildsOnly },
    );
    const events = readFileSync(results, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; name: string; error?: string });
    const failed = events.filter((e) => e.type === 'fail');
    expect(failed, run.stderr).toEqual([]);
    expect(events.filter((e) => e.type === 'pass').length).toBeGreaterThanOrEqual(4);
    expect(run.code).toBe(0);
  });

  // The store and the tracker on top of it, under the Windows node 22 (node:sqlite): agent-store.ts. In this file,
  // not one of its own, because a second file would share the prefix and its wineserver, which each file's close ends.
  agentStoreTests(() => ({ display, lane, notepad }));
});
