import { sleep, type RunningCli } from '../../../../tests/support/cli.js';

/** Polls `probe` every second until it returns a value; fails early, with the agent's output, if the agent died. */
export async function pollFor<T>(what: string, timeoutMs: number, agent: RunningCli, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (agent.child.exitCode !== null) throw new Error(`the agent exited (${agent.child.exitCode}) while waiting for ${what}: ${agent.stderr()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; agent stdout: ${agent.stdout()} stderr: ${agent.stderr()}`);
    await sleep(1000);
  }
}
