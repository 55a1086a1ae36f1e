import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The foreground daemons of one store a test starts (Ceph's monitor, OSD and gateway; Swift's servers): spawned by
 * this process, stopped by their PIDs in reverse order (SIGTERM, then SIGKILL after 10 s). A daemon that exits on its
 * own is said on the console with the end of its stderr, and kept in `exits` for a start-up error to quote.
 */
export interface DaemonGroup {
  start(name: string, command: string, args: readonly string[]): ChildProcess;
  /** "<name> exited <code>: <stderr tail>" of each daemon that exited before stop(). */
  readonly exits: readonly string[];
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function daemonGroup(label: string): DaemonGroup {
  const children: ChildProcess[] = [];
  const exits: string[] = [];
  let stopping = false;
  return {
    exits,
    start(name, command, args) {
      const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-2000)));
      child.once('exit', (code, signal) => {
        if (stopping) return;
        exits.push(`${name} exited ${code ?? signal}: ${stderr}`);
        console.warn(`[${label}] ${exits.at(-1)}`);
      });
      children.push(child);
      return child;
    },
    async stop() {
      stopping = true;
      for (const child of [...children].reverse()) {
        if (child.exitCode !== null || child.signalCode !== null) continue;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        if ((await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])) === false) child.kill('SIGKILL');
      }
    },
  };
}
