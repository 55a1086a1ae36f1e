import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { toWindowsPath, type WineLane, type WindowsRun } from './wine-lane.js';

/**
 * The agent's native core driven inside the Windows node, from a Linux test: tests/wine/probe.mjs runs under
 * Wine and answers calls over a loopback socket (one JSON object a line; sockets are fine under Wine, unlike
 * console pipes). The test keeps what only Linux can do here (xdotool input, the X root as the truth) and
 * asks the Windows side what the agent's code sees.
 */
export interface WindowsProbe {
  call<T = unknown>(method: string, params?: unknown): Promise<T>;
  close(): Promise<WindowsRun>;
}

/**
 * `script` (a Linux path) answers the calls; by default the lane's probe. It serves them with answer-calls.mjs.
 * `program`: the Windows node that runs it (a Windows path; the lane's node.exe by default).
 */
export async function startProbe(
  lane: WineLane,
  env: NodeJS.ProcessEnv = {},
  script = fileURLToPath(new URL('../probe.mjs', import.meta.url)),
  program?: string,
): Promise<WindowsProbe> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no loopback port');
  const exited = lane.run([toWindowsPath(script), String(address.port)], { env, timeoutMs: 600_000, program });
  const connected = once(server, 'connection') as Promise<[Socket]>;
  const [socket] = await Promise.race([
    connected,
    exited.then((run) => {
      throw new Error(`the Windows probe ended before connecting (${run.code}): ${run.stdout}${run.stderr}`);
    }),
  ]);
  server.close();
  socket.setEncoding('utf8');
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let buffered = '';
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const reply = JSON.parse(buffered.slice(0, end)) as { id: number; result?: unknown; error?: { code?: string; message: string } };
      buffered = buffered.slice(end + 1);
      const pending = waiting.get(reply.id);
      waiting.delete(reply.id);
      if (reply.error) pending?.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
      else pending?.resolve(reply.result);
    }
  });
  // A Windows process killed on purpose (the store's crash test) resets the socket: its calls fail, nothing else.
  socket.on('error', (error) => {
    for (const pending of waiting.values()) pending.reject(error);
    waiting.clear();
  });
  let next = 0;
  return {
    call<T>(method: string, params?: unknown): Promise<T> {
      const id = (next += 1);
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
        socket.write(`${JSON.stringify({ id, method, params })}\n`);
      });
    },
    async close() {
      socket.end(`${JSON.stringify({ id: 0, method: 'exit' })}\n`);
      return exited;
    },
  };
}
