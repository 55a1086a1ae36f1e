import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { InputCounts } from '../../src/main/sensors/types.js';
import type { ChildReport, ParentCommand } from './children/protocol-types.js';
import { round } from './measure.js';
import type { BenchScreen } from './screen.js';

export interface InputFigures {
  readonly cpuMsPer1000Moves: number;
  readonly counted: InputCounts;
  /** CPU share of one core over a stretch with no input at all. */
  readonly idleCpuPercent: number;
}

export interface InputRun {
  readonly movesSent: number;
  readonly rateHz: number;
  readonly idleSeconds: number;
  readonly library: InputFigures;
  readonly native: InputFigures;
}

interface Child {
  readonly process: ChildProcess;
  next(): Promise<ChildReport>;
  send(command: ParentCommand): void;
}

function startChild(script: string, env: NodeJS.ProcessEnv): Child {
  const child = fork(fileURLToPath(new URL(`./children/${script}`, import.meta.url)), [], {
    env,
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const queue: ChildReport[] = [];
  const waiting: ((report: ChildReport) => void)[] = [];
  child.on('message', (report: ChildReport) => {
    const waiter = waiting.shift();
    if (waiter) waiter(report);
    else queue.push(report);
  });
  return {
    process: child,
    next: () => {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        waiting.push(resolve);
        child.once('exit', (code, signal) => reject(new Error(`${script} exited (${code ?? signal})`)));
      });
    },
    send: (command) => child.send(command),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function stretch(children: readonly Child[], during: () => Promise<void>): Promise<{ cpuMs: number; counts: InputCounts }[]> {
  for (const c of children) c.send('begin');
  await sleep(200);
  await during();
  await sleep(1500); // one more drain tick on both sides
  for (const c of children) c.send('end');
  const reports = await Promise.all(children.map((c) => c.next()));
  return reports.map((r) => {
    if (r.type !== 'stretch') throw new Error('unexpected report');
    return { cpuMs: r.cpuMs, counts: r.counts };
  });
}

/** Sends `moves` pointer moves at about 400 Hz with xdotool (its own sleep between moves). */
function sendMoves(screen: BenchScreen, moves: number): number {
  const started = process.hrtime.bigint();
  const chunk = 250;
  for (let sent = 0; sent < moves; sent += chunk) {
    const args: string[] = [];
    for (let i = sent; i < Math.min(moves, sent + chunk); i += 1) {
      args.push('mousemove', String(200 + (i % 800)), String(200 + ((i * 7) % 500)), 'sleep', '0.0022');
    }
    screen.display.run('xdotool', args);
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * Input accounting cost: the native XRecord thread against uiohook-napi with a JS callback per
 * event, each in its own child process, both listening to the same xdotool moves at once.
 */
export async function benchInput(screen: BenchScreen, moves: number, idleSeconds: number): Promise<InputRun> {
  const env = { ...screen.display.env };
  const library = startChild('input-uiohook.mjs', env);
  const native = startChild('input-native.mjs', env);
  try {
    await Promise.all([library.next(), native.next()]); // ready
    screen.display.run('xdotool', ['mousemove', '100', '100']);
    let seconds = 0;
    const [libMoves, natMoves] = await stretch([library, native], async () => {
      seconds = sendMoves(screen, moves);
    });
    const [libIdle, natIdle] = await stretch([library, native], () => sleep(idleSeconds * 1000));
    const figures = (m: { cpuMs: number; counts: InputCounts }, idle: { cpuMs: number }): InputFigures => ({
      cpuMsPer1000Moves: round((m.cpuMs / moves) * 1000),
      counted: m.counts,
      idleCpuPercent: round((idle.cpuMs / ((idleSeconds + 1.7) * 1000)) * 100, 3),
    });
    return {
      movesSent: moves,
      rateHz: round(moves / seconds, 0),
      idleSeconds,
      library: figures(libMoves!, libIdle!),
      native: figures(natMoves!, natIdle!),
    };
  } finally {
    for (const c of [library, native]) {
      if (c.process.connected) c.send('exit');
    }
    await sleep(300);
    for (const c of [library, native]) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
  }
}
