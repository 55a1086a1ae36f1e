import fc from 'fast-check';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { policySchema } from '../../../../src/shared/protocol/index.js';

/**
 * Bad answers to the policy stream (GET …/policy/stream): wrong statuses and content types, and event-stream bodies
 * full of garbage — events that are not JSON, policies of another contract or of the wrong shape, a valid policy
 * for this contract under another event name, lines past the parser's limit — ended cleanly or cut.
 */
export interface SseScript {
  readonly status: number;
  readonly contentType: string | null;
  readonly chunks: readonly string[];
  readonly ending: 'end' | 'destroy';
}

const policyFor = (contractId: string, version: number, screenshots = 'on') =>
  JSON.stringify({ contractId, screenshots, segmentSeconds: 600, retentionDays: 30, version, updatedAt: '2026-11-26T05:00:00.000Z' });

/** A chunk, given this run's contract; none of them may carry a policy the source should take. */
const chunk: fc.Arbitrary<(contractId: string) => string> = fc.oneof(
  fc.string({ maxLength: 60 }).map((text) => () => text),
  fc.constantFrom(': heartbeat\n\n', 'retry: soon\n', 'id: \0\n\n', '\r\n\r\n', 'event: policy\n\n', 'data\n\n').map((text) => () => text),
  fc.constant(() => `event: policy\ndata: ${'x'.repeat(300 * 1024)}`), // past the parser's buffer limit, no newline
  fc.constant((contractId: string) => `event: policy\ndata: ${policyFor(contractId, 99).slice(0, 50)}\n\n`),
  fc.constant(() => `event: policy\ndata: ${policyFor('01JD3C0THERC0NTRACT0000000', 99)}\n\n`),
  fc.constant((contractId: string) => `event: message\ndata: ${policyFor(contractId, 99)}\n\n`),
  fc.constant((contractId: string) => `data: ${policyFor(contractId, 99)}\n\n`),
  fc.constant((contractId: string) => `event: Policy\ndata: ${policyFor(contractId, 99)}\n\n`),
  fc
    .tuple(fc.constantFrom('screenshots', 'version', 'segmentSeconds', 'contractId', 'updatedAt'), fc.jsonValue({ maxDepth: 1 }))
    .map(([key, value]) => (contractId: string) => {
      const bad = { ...JSON.parse(policyFor(contractId, 99)), [key]: value };
      return policySchema.safeParse(bad).success ? ': skipped\n\n' : `event: policy\ndata: ${JSON.stringify(bad)}\n\n`;
    }),
  fc.constant((contractId: string) => `event: policy\ndata: ${policyFor(contractId, 1, 'sometimes')}\n\n`),
);

export function sseAnswers(): fc.Arbitrary<(contractId: string) => SseScript> {
  return fc
    .record({
      status: fc.constantFrom(200, 200, 200, 200, 204, 301, 401, 404, 500, 503),
      contentType: fc.constantFrom<string | null>('text/event-stream', 'text/event-stream', 'text/event-stream; charset=utf-8', 'application/json', 'text/html', null),
      chunks: fc.array(chunk, { maxLength: 8 }),
      ending: fc.constantFrom<'end' | 'destroy'>('end', 'destroy'),
    })
    .map(({ chunks, ...rest }) => (contractId: string) => ({ ...rest, chunks: chunks.map((make) => make(contractId)) }));
}

/** Plays a script: the status, the chunks, then a clean end or a cut connection. */
export function writeSse(script: SseScript, res: ServerResponse): void {
  const socket = res.socket as Socket | null;
  res.writeHead(script.status, { connection: 'close', ...(script.contentType ? { 'content-type': script.contentType } : {}) });
  // A 204/304 has no body: Node drops the writes (and never calls their callbacks), so it can only end.
  const bodiless = script.status === 204 || script.status === 304;
  if (!bodiless) for (const piece of script.chunks) res.write(piece);
  if (script.ending === 'end' || bodiless) res.end();
  else res.write(':', () => socket?.destroy()); // a non-empty write, so its callback comes once it is sent
}
