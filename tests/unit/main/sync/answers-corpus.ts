import fc from 'fast-check';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { z } from 'zod';
import { receivedPolicySchema } from '../../../../src/shared/protocol/index.js';
import {
  disputeListSchema,
  loginResponseSchema,
  receivedContractListSchema,
  screenshotDeleteResponseSchema,
  screenshotUploadResponseSchema,
  segmentUploadResponseSchema,
} from '../../../../src/shared/protocol/api/index.js';
import type { RequestFailure } from '../../../../src/main/sync/index.js';
import { listenOnLoopback } from '../../../support/loopback.js';

/**
 * A generated corpus of bad server answers for every endpoint the agent's ApiClient calls, a loopback server that
 * delivers them (whole, dribbled, cut short, reset, not HTTP at all, or never), and the classification the client
 * must give each one. A "bad" answer is one the protocol does not accept: a success status only ever comes with a
 * body the endpoint's schema refuses.
 */

export const CONTRACT_ID = '01JD3C0NTRACT0000000000000'.replace(/[^0-9A-HJKMNP-TV-Z]/g, '0');
export const ANSWER_CAP_BYTES = 4 * 1024 * 1024; // the ApiClient's default cap

export interface EndpointSpec {
  readonly name: 'login' | 'contracts' | 'policy' | 'putSegment' | 'putScreenshot' | 'deleteScreenshot' | 'disputes';
  readonly okStatus: number;
  readonly schema: z.ZodType;
  /** A well-formed answer: the seed for truncations and retypings. */
  readonly valid: Record<string, unknown>;
}

const policy = {
  contractId: CONTRACT_ID,
  screenshots: 'on',
  segmentSeconds: 600,
  retentionDays: 30,
  version: 3,
  updatedAt: '2026-11-26T05:00:00.000Z',
  contract: { state: 'active', seq: 2, since: '2026-11-25T05:00:00.000Z', by: 'freelancer' },
};

export const ENDPOINTS: readonly EndpointSpec[] = [
  {
    name: 'login',
    okStatus: 200,
    schema: loginResponseSchema,
    valid: { token: 'tok', expiresAt: '2026-12-26T00:00:00.000Z', user: { id: 'u1', email: 'f@example.com', name: 'F' } },
  },
  {
    name: 'contracts',
    okStatus: 200,
    // The agent reads the list and the policy leniently about the contract's state (an unknown one means: do not track).
    schema: receivedContractListSchema,
    valid: {
      contracts: [
        {
          id: CONTRACT_ID,
          name: 'C',
          client: { id: 'c', email: 'c@example.com', name: 'Client' },
          freelancer: { id: 'f', email: 'f@example.com', name: 'Freelancer' },
          role: 'freelancer',
          policy,
          terms: { hourlyRate: null, weeklyLimitHours: null, timeZone: 'UTC', keepScreenshotsAfterEndDays: 30 },
          screenshotsPurgedAt: null,
          invitation: null,
        },
      ],
    },
  },
  { name: 'policy', okStatus: 200, schema: receivedPolicySchema, valid: policy },
  {
    name: 'putSegment',
    okStatus: 200,
    schema: segmentUploadResponseSchema,
    valid: { id: 's', contractId: CONTRACT_ID, startedAt: '2026-11-26T05:00:00.000Z', trackedSeconds: 60, minutes: 1, billable: true, result: 'created' },
  },
  {
    name: 'putScreenshot',
    okStatus: 200,
    schema: screenshotUploadResponseSchema,
    valid: { id: 'x', segmentId: 's', takenAt: '2026-11-26T05:00:10.000Z', bytes: 10, contentType: 'image/jpeg', expiresAt: '2026-12-26T05:00:10.000Z' },
  },
  {
    name: 'deleteScreenshot',
    okStatus: 200,
    schema: screenshotDeleteResponseSchema,
    valid: { id: 'x', segmentId: 's', removed: { by: 'freelancer', at: '2026-11-26T05:10:00.000Z' }, segmentBillable: false },
  },
  {
    name: 'disputes',
    okStatus: 200,
    schema: disputeListSchema,
    valid: {
      contractId: CONTRACT_ID,
      disputes: [{ segmentId: 's', startedAt: '2026-11-26T05:00:00.000Z', note: 'Which ticket was this?', at: '2026-11-27T09:00:00.000Z' }],
      more: false,
    },
  },
];

export type Delivery = 'whole' | 'dribble' | 'cut' | 'reset' | 'not-http' | 'hang';

export interface BadAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string | Uint8Array;
  readonly delivery: Delivery;
  /** For 3xx: where the answer points (a trap server that must never be called). */
  readonly location: string | null;
}

/** How the ApiClient must classify an answer: a failure kind (and status), or — a 304 to a policy pull — "unchanged". */
export type Expected = { kind: RequestFailure['kind']; status?: number; detail?: string } | { unchanged: true };

// ---- bodies -----------------------------------------------------------------------------------------------------

const HUGE_PAD = 'x'.repeat(ANSWER_CAP_BYTES + 256 * 1024);

function acceptedBy(schema: z.ZodType, body: string | Uint8Array): boolean {
  try {
    // axios drops a leading byte-order mark, so a BOM before a good answer still is one.
    const text = (typeof body === 'string' ? body : Buffer.from(body).toString('utf8')).replace(/^\uFEFF/, '');
    return schema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

const jsonish = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom<unknown>(null, NaN, -1, 1e308, '', 'on', [], {}));

/** Bodies that are not the endpoint's answer (checked against its schema, so none slips through as valid). */
function badBody(spec: EndpointSpec): fc.Arbitrary<string | Uint8Array> {
  const validText = JSON.stringify(spec.valid);
  const keys = Object.keys(spec.valid);
  return fc
    .oneof(
      fc.constantFrom(
        '<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>',
        '',
        'null',
        '[]',
        '"ok"',
        'true',
        `\uFEFF${validText.slice(1)}`,
        `${validText}garbage`,
        JSON.stringify({ error: { code: 'INTERNAL', message: 'Something failed' } }),
        JSON.stringify({ ...spec.valid, pad: HUGE_PAD }),
        `data: ${validText}\n\n`,
      ),
      fc.nat({ max: validText.length - 1 }).map((n) => validText.slice(0, n)),
      fc.tuple(fc.constantFrom(...keys), jsonish).map(([key, value]) => JSON.stringify({ ...spec.valid, [key]: value })),
      fc.constantFrom(...keys).map((key) => JSON.stringify(Object.fromEntries(Object.entries(spec.valid).filter(([k]) => k !== key)))),
      fc.string({ minLength: 1, maxLength: 12 }).map((key) => JSON.stringify({ ...spec.valid, [`x-${key}`]: 1 })),
      fc.uint8Array({ minLength: 1, maxLength: 64 }),
      fc.string({ maxLength: 80 }),
    )
    .filter((body) => !acceptedBy(spec.schema, body));
}

/** Error bodies a server (or a proxy in front of it) sends with an error status. */
const errorBody = fc.oneof(
  fc.constantFrom('<html><body>Service Unavailable</body></html>', '', 'Too Many Requests', '{"error":'),
  fc
    .tuple(fc.constantFrom('INTERNAL', 'SCREENSHOTS_DISABLED', 'INVALID_CREDENTIALS', 'RATE_LIMITED', 'NOT_FOUND', 'x'), fc.string({ maxLength: 30 }))
    .map(([code, message]) => JSON.stringify({ error: { code, message } })),
);

// ---- answers ----------------------------------------------------------------------------------------------------

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/html', 'text/plain', 'application/octet-stream', 'text/event-stream', 'image/jpeg'];

/** Statuses a real server or proxy may send other than the endpoint's success status (no 1xx: not a final answer). */
function otherStatus(spec: EndpointSpec): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(201, 202, 204, 301, 302, 303, 307, 308, 400, 401, 403, 404, 405, 408, 409, 410, 413, 415, 422, 429, 500, 502, 503, 504),
    fc.integer({ min: 200, max: 599 }),
  ).filter((status) => status !== spec.okStatus);
}

export function badAnswers(spec: EndpointSpec, trapUrl: string, options: { hang?: boolean } = {}): fc.Arbitrary<BadAnswer> {
  const deliveries: fc.WeightedArbitrary<Delivery>[] = [
    { arbitrary: fc.constant<Delivery>('whole'), weight: 12 },
    { arbitrary: fc.constant<Delivery>('dribble'), weight: 2 },
    { arbitrary: fc.constant<Delivery>('cut'), weight: 2 },
    { arbitrary: fc.constant<Delivery>('reset'), weight: 1 },
    { arbitrary: fc.constant<Delivery>('not-http'), weight: 1 },
  ];
  if (options.hang) deliveries.push({ arbitrary: fc.constant<Delivery>('hang'), weight: 1 });
  const success = fc.record({ status: fc.constant(spec.okStatus), body: badBody(spec) });
  const failure = fc.record({ status: otherStatus(spec), body: fc.oneof(errorBody, badBody(spec)) });
  return fc
    .record({
      answer: fc.oneof(success, failure),
      contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { nil: null }),
      delivery: fc.oneof(...deliveries),
    })
    .map(({ answer, contentType, delivery }) => ({
      status: answer.status,
      body: answer.body,
      contentType,
      delivery,
      location: answer.status >= 300 && answer.status < 400 ? `${trapUrl}/api/v1/stolen` : null,
    }));
}

function byteLength(body: string | Uint8Array): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : body.length;
}

/** What the ApiClient must make of an answer to one of its JSON endpoints. */
export function expectedFailure(spec: EndpointSpec, answer: BadAnswer): Expected {
  const bodiless = answer.status === 204 || answer.status === 304;
  // A 204/304 carries no body, so there is nothing to cut short: the answer arrives whole.
  const delivery = bodiless && answer.delivery === 'cut' ? 'whole' : answer.delivery;
  switch (delivery) {
    case 'cut':
    case 'reset':
    case 'not-http':
      return { kind: 'network' };
    case 'hang':
      return { kind: 'network', detail: 'timed out' };
    case 'whole':
    case 'dribble':
      break;
  }
  if (!bodiless && byteLength(answer.body) > ANSWER_CAP_BYTES) return { kind: 'invalid', detail: 'answer too large' };
  if (spec.name === 'policy' && answer.status === 304) return { unchanged: true };
  if (answer.status !== spec.okStatus) return { kind: 'http', status: answer.status };
  return { kind: 'invalid', status: answer.status };
}

// ---- the server that gives them -----------------------------------------------------------------------------

export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
}

export interface ScriptedServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Decides each answer; the default is a 500. */
  answerWith(pick: (req: IncomingMessage) => BadAnswer | ((req: IncomingMessage, res: ServerResponse) => void)): void;
  close(): Promise<void>;
}

const DRIBBLE_PAUSE_MS = 15;

/** Sends an answer the way the corpus says; never throws (a client that hung up is not the server's problem). */
export function deliver(answer: BadAnswer, res: ServerResponse): void {
  const socket = res.socket as Socket | null;
  const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : Buffer.from(answer.body);
  // One connection per answer: a half-finished answer must not leave a reused connection in a state the next run sees.
  const headers: Record<string, string | number> = { connection: 'close' };
  if (answer.contentType) headers['content-type'] = answer.contentType;
  if (answer.location) headers.location = answer.location;
  // A 204/304 has no body to cut short (see expectedFailure).
  const delivery = (answer.status === 204 || answer.status === 304) && answer.delivery === 'cut' ? 'whole' : answer.delivery;
  switch (delivery) {
    case 'hang':
      return; // headers never come; the client's timeout has to end it
    case 'reset':
      socket?.destroy();
      return;
    case 'not-http':
      socket?.end('SSH-2.0-OpenSSH_9.6\r\n\r\n');
      return;
    case 'cut':
      res.writeHead(answer.status, { ...headers, 'content-length': body.length + 100 });
      // A non-empty write, so its callback comes (Node never calls back an empty one) and the cut really happens.
      res.write(body.length > 0 ? body : ' ', () => socket?.destroy());
      return;
    case 'dribble': {
      res.writeHead(answer.status, { ...headers, 'content-length': body.length });
      const pieces = [body.subarray(0, body.length / 3), body.subarray(body.length / 3, (2 * body.length) / 3), body.subarray((2 * body.length) / 3)];
      const next = (): void => {
        const piece = pieces.shift();
        if (piece === undefined || res.destroyed) return void res.end();
        res.write(piece);
        setTimeout(next, DRIBBLE_PAUSE_MS);
      };
      next();
      return;
    }
    case 'whole':
      res.writeHead(answer.status, { ...headers, 'content-length': body.length }).end(body);
      return;
  }
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  let pick: Parameters<ScriptedServer['answerWith']>[0] = () => ({ status: 500, contentType: null, body: '', delivery: 'whole', location: null });
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    req.resume(); // read (and drop) the upload, so the client is not stuck writing it
    const answer = pick(req);
    if (typeof answer === 'function') answer(req, res);
    else deliver(answer, res);
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  const listener = await listenOnLoopback(server);
  return {
    url: listener.url,
    requests,
    answerWith(next) {
      pick = next;
    },
    close: () => listener.close(),
  };
}
