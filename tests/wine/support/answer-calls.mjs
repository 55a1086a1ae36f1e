/* global process -- run by the Windows node.exe under Wine */
// The Windows half of probe-client.ts: connects to the Linux side's loopback port and answers one JSON call a line
// with `handlers[method](params)`. Shared by the lane's probe (tests/wine/probe.mjs) and the Wine benchmark
// (bench/wine/windows-side.mjs). `exit` runs onExit and ends the connection, which ends the process.
import { connect } from 'node:net';

export function answerCalls(port, handlers, onExit = async () => {}) {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffered = '';
  socket.on('data', async (chunk) => {
    buffered += chunk;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const request = JSON.parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      if (request.method === 'exit') {
        await onExit();
        socket.end();
        return;
      }
      try {
        const handler = handlers[request.method];
        if (!handler) throw new Error(`no such probe call: ${request.method}`);
        socket.write(`${JSON.stringify({ id: request.id, result: await handler(request.params ?? {}) })}\n`);
      } catch (error) {
        socket.write(`${JSON.stringify({ id: request.id, error: { code: error?.code, message: String(error?.message ?? error) } })}\n`);
      }
    }
  });
  socket.on('error', (error) => {
    process.stderr.write(`${String(error?.stack ?? error)}\n`);
    process.exitCode = 1;
  });
}
