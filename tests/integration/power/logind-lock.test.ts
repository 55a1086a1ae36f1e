import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wirePowerEvents } from '../../../src/main/electron/power.js';
import { lockEventOf, watchLogindLock, type LockEvent, type LockWatch } from '../../../src/main/power/logind-lock.js';
import { sleep } from '../../support/wait.js';

/** Polls `check` until it holds. */
async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await sleep(50);
  }
}

const FAKE_LOGIND = fileURLToPath(new URL('./fixtures/fake-logind.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const SESSION = '/org/freedesktop/login1/session/_32';

/** A bus of the test's own (a private dbus-daemon) with logind played by fake-logind.py, driven line by line. */
class TestLogind {
  private constructor(
    readonly address: string,
    private readonly bus: ChildProcess,
    private readonly logind: ChildProcess,
    private readonly dir: string,
    private readonly acks: EventEmitter,
  ) {}

  static async start(): Promise<TestLogind> {
    for (const tool of ['dbus-daemon', 'gdbus', PYTHON]) {
      if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is missing: run scripts/setup.sh as root (SYSTEM_PACKAGES)`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'wt-dbus-'));
    const config = join(dir, 'bus.conf');
    writeFileSync(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:dir=${dir}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*"/><allow receive_sender="*"/><allow own="*"/></policy></busconfig>`,
    );
    const bus = spawn('dbus-daemon', ['--config-file', config, '--print-address=1', '--nofork'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const address = await new Promise<string>((resolve, reject) => {
      createInterface({ input: bus.stdout! }).once('line', resolve);
      bus.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)));
    });
    const logind = spawn(PYTHON, [FAKE_LOGIND, address], { stdio: ['pipe', 'pipe', 'inherit'] });
    const acks = new EventEmitter();
    const ready = new Promise<void>((resolve) => acks.once('ready', () => resolve()));
    createInterface({ input: logind.stdout! }).on('line', (line) => acks.emit(line.startsWith('ready') ? 'ready' : line));
    await ready;
    return new TestLogind(address, bus, logind, dir, acks);
  }

  /** Sends a command ("lock", "hint true", ...) and waits until the signal is out. */
  send(command: string): Promise<void> {
    const done = new Promise<void>((resolve) => this.acks.once(`done ${command}`, () => resolve()));
    this.logind.stdin!.write(`${command}\n`);
    return done;
  }

  stop(): void {
    this.logind.kill();
    this.bus.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('screen lock on Linux from logind (a real dbus-daemon, gdbus, and logind played on it)', () => {
  let logind: TestLogind;
  beforeAll(async () => {
    logind = await TestLogind.start();
  });
  afterAll(() => logind?.stop());

  async function watch(env: NodeJS.ProcessEnv = {}): Promise<{ watch: LockWatch; events: LockEvent[] }> {
    const watched = await watchLogindLock({ env: { PATH: process.env.PATH, DBUS_SYSTEM_BUS_ADDRESS: logind.address, ...env }, pid: process.pid });
    const events: LockEvent[] = [];
    watched.on((event) => events.push(event));
    return { watch: watched, events };
  }

  /**
   * gdbus subscribes a moment after the watch starts: unlocks are sent until one gets through, then the test waits
   * until the last of them has arrived, and starts from a quiet, unlocked session.
   */
  async function settle(events: LockEvent[]): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (events.length === 0) {
      if (Date.now() > deadline) throw new Error('no signal got through within 10 s');
      await logind.send('unlock');
      await sleep(100);
    }
    for (let seen = -1; seen !== events.length; ) {
      seen = events.length;
      await sleep(500);
    }
    events.length = 0;
  }

  it('follows this session’s Lock / Unlock signals and its LockedHint, and ignores other sessions', async () => {
    const { watch: w, events } = await watch();
    try {
      expect(w.state()).toEqual({ status: 'watching', session: SESSION });
      await settle(events);
      for (const command of ['lock', 'foreign lock', 'unlock', 'hint true', 'hint false']) await logind.send(command);
      await waitFor(() => events.length >= 4, 5000);
      expect(events).toEqual(['lock', 'unlock', 'lock', 'unlock']);
    } finally {
      w.close();
    }
  });

  it('asks for the session by XDG_SESSION_ID when it is set, and reads a lock already in place at start', async () => {
    await logind.send('hint true');
    const { watch: w, events } = await watch({ XDG_SESSION_ID: '32' });
    try {
      await waitFor(() => events.length > 0, 2000);
      expect(events[0]).toBe('lock');
    } finally {
      w.close();
      await logind.send('hint false');
    }
  });

  it('a lock pauses tracking and an unlock resumes it, together with powerMonitor’s sleep', async () => {
    const { watch: w, events } = await watch();
    await settle(events);
    const calls: string[] = [];
    const powerMonitor = new EventEmitter();
    const unwire = wirePowerEvents(powerMonitor, { suspend: () => calls.push('suspend'), resume: () => calls.push('resume') }, w);
    try {
      await logind.send('lock');
      await waitFor(() => calls.length > 0, 5000);
      await logind.send('hint true'); // the locker's hint after the signal: already paused
      powerMonitor.emit('suspend');
      powerMonitor.emit('resume'); // woke up to a locked screen: stays paused
      expect(calls).toEqual(['suspend']);
      await logind.send('unlock');
      await waitFor(() => calls.length === 2, 5000);
      expect(calls).toEqual(['suspend', 'resume']);
    } finally {
      unwire();
      w.close();
    }
  });

  it('without logind or gdbus it says so, and never throws', async () => {
    const noBus = await watchLogindLock({ env: { PATH: process.env.PATH, DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent/bus' }, pid: process.pid });
    expect(noBus.state()).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^screen lock is not followed: /) });
    const noTool = await watchLogindLock({ env: {}, pid: process.pid, gdbus: '/nonexistent/gdbus' });
    expect(noTool.state()).toEqual({ status: 'unavailable', reason: 'screen lock is not followed: gdbus is not installed (Debian/Ubuntu package libglib2.0-bin)' });
  });
});

describe('lockEventOf', () => {
  it('reads the signals of the session it watches, and nothing else', () => {
    expect(lockEventOf(`${SESSION}: org.freedesktop.login1.Session.Lock ()`, SESSION)).toBe('lock');
    expect(lockEventOf(`${SESSION}: org.freedesktop.login1.Session.Unlock ()`, SESSION)).toBe('unlock');
    const hint = (v: string, extra = '') => `${SESSION}: org.freedesktop.DBus.Properties.PropertiesChanged ('org.freedesktop.login1.Session', {${extra}'LockedHint': <${v}>}, @as [])`;
    expect(lockEventOf(hint('true'), SESSION)).toBe('lock');
    expect(lockEventOf(hint('false', "'IdleHint': <true>, "), SESSION)).toBe('unlock');
    expect(lockEventOf(`${SESSION}: org.freedesktop.DBus.Properties.PropertiesChanged ('org.freedesktop.login1.Session', {'IdleHint': <true>}, @as [])`, SESSION)).toBeNull();
    expect(lockEventOf(`/org/freedesktop/login1/session/c7: org.freedesktop.login1.Session.Lock ()`, SESSION)).toBeNull();
    expect(lockEventOf(`${SESSION}_9: org.freedesktop.login1.Session.Lock ()`, SESSION)).toBeNull();
    expect(lockEventOf('The name org.freedesktop.login1 is owned by :1.0', SESSION)).toBeNull();
  });
});
