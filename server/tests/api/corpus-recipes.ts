import fc from 'fast-check';
import { ulid } from 'ulid';
import { SCREENSHOT_CAPTURED_AT_HEADER, SCREENSHOT_REDACTED_WINDOWS_HEADER, SCREENSHOT_SEGMENT_HEADER } from '../../../src/shared/protocol/api/index.js';
import { jpegLayoutProblem } from '../../src/domain/jpeg.js';
import { routeName, type RouteKey } from '../support/routes.js';
import { fakeJpeg, segmentBody, type World } from '../support/server.js';
import { exampleOf, type JsonSchema } from './corpus-schema.js';
import { toRaw, type BadRequest, type OperationInputs, type RequestParts, type RouteRecipe } from './corpus-cases.js';

/** The fixtures the recipes point at: a segment with a screenshot, and one waiting for its screenshot. */
export interface CorpusFixtures {
  readonly world: World;
  readonly shotSegmentId: string;
  readonly shotId: string;
  readonly bareSegment: { readonly id: string; readonly startedAt: number };
  readonly now: number;
  /** Tokens that were real: one revoked (signed out), one expired. */
  readonly refusedTokens: readonly string[];
  /** A contract of the world's client waiting for its freelancer, with one open invitation (to `email`). */
  readonly invited: { readonly contractId: string; readonly invitationId: string; readonly token: string; readonly email: string };
  /** An open invitation for the world's freelancer, to another waiting contract. */
  readonly acceptToken: string;
  /** An account of its own for the password change: a change that succeeds signs its owner out everywhere. */
  readonly passwordChanger: { readonly token: string; readonly password: string };
}

interface OpenApiOperation {
  readonly parameters?: ReadonlyArray<{ readonly in: string; readonly name: string; readonly schema?: JsonSchema }>;
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: JsonSchema }> };
}

export type OpenApiDoc = { readonly paths: Record<string, Record<string, OpenApiOperation>> };

/** What an operation takes, from the document; an undocumented route (the dashboard) takes nothing. */
export function inputsOf(doc: OpenApiDoc, route: RouteKey): OperationInputs {
  const op = doc.paths[route.path]?.[route.method.toLowerCase()];
  const params = (where: string) => Object.fromEntries((op?.parameters ?? []).filter((p) => p.in === where).map((p) => [p.name, p.schema ?? {}]));
  return { pathParams: params('path'), queryParams: params('query'), jsonBody: op?.requestBody?.content?.['application/json']?.schema ?? null };
}

/** Screenshot uploads: image bytes that are not the image they claim, and bad metadata headers. */
function screenshotUploadExtra(path: string, fixtures: CorpusFixtures) {
  return (parts: RequestParts): fc.Arbitrary<BadRequest> => {
    const withHeaders = (headers: Array<readonly [string, string]>, defect: string, body = parts.body): BadRequest => {
      const kept = parts.headers.filter(([n]) => n !== SCREENSHOT_SEGMENT_HEADER && n !== SCREENSHOT_CAPTURED_AT_HEADER && n !== SCREENSHOT_REDACTED_WINDOWS_HEADER);
      return { kind: 'upload', defect, request: toRaw(path, { ...parts, body, headers: [...kept, ...headers] }) };
    };
    const segment = fixtures.bareSegment;
    const inside = new Date(segment.startedAt + 1000).toISOString();
    const notImage = fc
      .tuple(fc.constantFrom('image/jpeg', 'image/webp'), fc.uint8Array({ minLength: 0, maxLength: 64 }))
      .filter(([type, bytes]) => type !== 'image/jpeg' || jpegLayoutProblem(Buffer.from(bytes)) !== null)
      .map(([type, bytes]) => ({
        kind: 'upload',
        defect: `${bytes.length} bytes that are not ${type}`,
        request: toRaw(path, { ...parts, body: Buffer.from(bytes), contentType: type }),
      }));
    const badTimes = fc.oneof(
      fc.constantFrom(
        '',
        'yesterday',
        '2026-02-30T00:00:00Z',
        '+275760-09-13T00:00:00Z',
        '1969-12-31T23:59:59Z',
        new Date(segment.startedAt - 1).toISOString(),
        new Date(segment.startedAt + 3_600_000).toISOString(),
        new Date(fixtures.now + 86_400_000).toISOString(),
        inside.replace('Z', '+00:00'),
        `${inside}, ${inside}`,
      ),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()).filter((t) => Date.parse(t) < segment.startedAt || Date.parse(t) >= segment.startedAt + 600_000),
      fc.string({ unit: 'binary-ascii', maxLength: 30 }),
    );
    // HTTP drops the spaces and tabs around a header value, so " 2" is 2: those are not bad counts.
    const isCount = (t: string) => /^\d{1,4}$/.test(t.replace(/^[ \t]+|[ \t]+$/g, '')) && Number(t) <= 1000;
    const badCounts = fc.oneof(fc.constantFrom('', '-1', '1001', '2.5', '1e2', '0x10', '2, 3', '99999999999999999999'), fc.string({ unit: 'binary-ascii', maxLength: 12 }).filter((t) => !isCount(t)));
    const badSegments = fc.oneof(fc.constantFrom('', ulid(), ulid().toLowerCase(), `${segment.id}, ${segment.id}`, fixtures.shotSegmentId), fc.string({ unit: 'binary-ascii', maxLength: 40 }));
    return fc.oneof(
      notImage,
      fc.constant({ kind: 'upload', defect: 'webp declared, JPEG sent', request: toRaw(path, { ...parts, contentType: 'image/webp' }) }),
      badTimes.map((t) => withHeaders([[SCREENSHOT_SEGMENT_HEADER, segment.id], [SCREENSHOT_CAPTURED_AT_HEADER, t]], `captured-at ${JSON.stringify(t)}`)),
      badSegments.map((s) => withHeaders([[SCREENSHOT_SEGMENT_HEADER, s], [SCREENSHOT_CAPTURED_AT_HEADER, inside]], `segment ${JSON.stringify(s)}`)),
      badCounts.map((n) =>
        withHeaders([[SCREENSHOT_SEGMENT_HEADER, segment.id], [SCREENSHOT_CAPTURED_AT_HEADER, inside], [SCREENSHOT_REDACTED_WINDOWS_HEADER, n]], `redacted-windows ${JSON.stringify(n)}`),
      ),
      fc.constant(withHeaders([], 'no metadata at all')),
      fc.constant(withHeaders([[SCREENSHOT_CAPTURED_AT_HEADER, inside]], 'no segment id')),
      fc.constant(withHeaders([[SCREENSHOT_SEGMENT_HEADER, segment.id]], 'no capture time')),
    );
  };
}

/**
 * A request that would succeed, per route: the corpus spoils one part of it at a time. Routes not
 * named here get a generic recipe from the document (ULIDs for ids, an example body, the client's
 * token), so a new route is covered the day it lands; a recipe here only makes its cases reach deeper.
 */
export function recipeFor(route: RouteKey, doc: OpenApiDoc, needsToken: boolean, fixtures: CorpusFixtures): RouteRecipe {
  const { world } = fixtures;
  const contract = { id: world.contract.id };
  const segmentId = ulid();
  const known: Record<string, Omit<RouteRecipe, 'route' | 'needsToken'>> = {
    'POST /api/v1/auth/token': { params: {}, json: { email: world.client.email, password: world.client.password } },
    // Bad requests only: one that succeeded would sign the client out everywhere, which the health check notices.
    'DELETE /api/v1/auth/tokens': { token: world.client.token, params: {} },
    'GET /api/v1/contracts': { token: world.client.token, params: {} },
    'GET /api/v1/contracts/{id}/policy': { token: world.freelancer.token, params: contract },
    'PUT /api/v1/contracts/{id}/policy': {
      token: world.client.token,
      params: contract,
      // With a private-window list, so the spoiled bodies reach into the rules too.
      json: { screenshots: 'blurred', privateWindows: [{ kind: 'title', pattern: '*Patient*' }] },
    },
    'GET /api/v1/contracts/{id}/policy/stream': { token: world.freelancer.token, params: contract },
    'GET /api/v1/contracts/{id}/diary': {
      token: world.client.token,
      params: contract,
      query: { from: new Date(fixtures.now - 7 * 86_400_000).toISOString(), to: new Date(fixtures.now).toISOString() },
    },
    'GET /api/v1/contracts/{id}/weeks/{week}': { token: world.freelancer.token, params: { ...contract, week: '2026-01-05' } },
    'GET /api/v1/contracts/{id}/timesheet.csv': { token: world.freelancer.token, params: contract, query: { from: '2026-01-05', to: '2026-01-11' } },
    'GET /api/v1/contracts/{id}/timesheet.pdf': { token: world.client.token, params: contract, query: { from: '2026-01-05', to: '2026-01-11' } },
    // A week long over, away from the segments the other recipes touch: approving it is harmless to them.
    'POST /api/v1/contracts/{id}/weeks/{week}/approval': { token: world.client.token, params: { ...contract, week: '2025-06-04' } },
    // The same week: it has no late segment, so every well-formed call is a 409 NOTHING_TO_APPROVE and changes nothing.
    'POST /api/v1/contracts/{id}/weeks/{week}/late-approval': { token: world.client.token, params: { ...contract, week: '2025-06-04' } },
    // A day with no screenshot (long before the contract): the spoiled bodies cannot delete the fixtures'.
    'POST /api/v1/contracts/{id}/screenshots/deletion': { token: world.client.token, params: contract, json: { scope: 'day', date: '2025-06-04' } },
    // The fixtures' bare segment: the spoiled bodies and addresses cannot dispute it (a stored dispute would show).
    'PUT /api/v1/contracts/{id}/segments/{segmentId}/dispute': {
      token: world.client.token,
      params: { ...contract, segmentId: fixtures.bareSegment.id },
      json: { note: 'The screenshot shows <b>another</b> project' },
    },
    'DELETE /api/v1/contracts/{id}/segments/{segmentId}/dispute': { token: world.client.token, params: { ...contract, segmentId: fixtures.bareSegment.id } },
    'GET /api/v1/contracts/{id}/disputes': { token: world.freelancer.token, params: contract },
    'GET /api/v1/contracts/{id}/screenshots/removed': {
      token: world.freelancer.token,
      params: contract,
      query: { from: new Date(fixtures.now - 7 * 86_400_000).toISOString(), to: new Date(fixtures.now).toISOString() },
    },
    'PUT /api/v1/segments/{id}': {
      token: world.freelancer.token,
      params: { id: segmentId },
      // A free slot (the one before the bare segment holds the screenshot's): valid as it stands.
      json: segmentBody({ id: segmentId, contractId: world.contract.id, startedAt: fixtures.bareSegment.startedAt - 2 * 600_000 }),
    },
    'PUT /api/v1/screenshots/{id}': {
      token: world.freelancer.token,
      params: { id: ulid() },
      headers: [
        [SCREENSHOT_SEGMENT_HEADER, fixtures.bareSegment.id],
        [SCREENSHOT_CAPTURED_AT_HEADER, new Date(fixtures.bareSegment.startedAt + 1000).toISOString()],
        [SCREENSHOT_REDACTED_WINDOWS_HEADER, '2'],
      ],
      raw: { contentType: 'image/jpeg', bytes: fakeJpeg(512) },
      extra: screenshotUploadExtra('/api/v1/screenshots/{id}', fixtures),
    },
    'POST /api/v1/auth/signup': {
      params: {},
      json: { email: fixtures.invited.email, name: 'Corpus Person', password: 'a long enough secret', invitation: fixtures.invited.token },
    },
    'PUT /api/v1/auth/password': {
      token: fixtures.passwordChanger.token,
      params: {},
      json: { currentPassword: fixtures.passwordChanger.password, newPassword: 'a brand new long secret' },
    },
    'POST /api/v1/contracts': {
      token: world.client.token,
      params: {},
      json: { name: 'Corpus', freelancerEmail: 'corpus-new@test.example', screenshots: 'on', retentionDays: 30, timeZone: 'Europe/Berlin', hourlyRate: { cents: 5000, currency: 'EUR' } },
    },
    'PATCH /api/v1/contracts/{id}': { token: world.client.token, params: contract, json: { weeklyLimitHours: 12 } },
    'PUT /api/v1/contracts/{id}/state': { token: world.client.token, params: contract, json: { state: 'paused' } },
    'GET /api/v1/contracts/{id}/invitations': { token: world.client.token, params: { id: fixtures.invited.contractId } },
    'POST /api/v1/contracts/{id}/invitations': { token: world.client.token, params: { id: fixtures.invited.contractId }, json: { email: 'corpus-again@test.example' } },
    'DELETE /api/v1/contracts/{id}/invitations/{invitationId}': {
      token: world.client.token,
      params: { id: fixtures.invited.contractId, invitationId: fixtures.invited.invitationId },
    },
    'POST /api/v1/invitations/lookup': { params: {}, json: { token: fixtures.invited.token } },
    'POST /api/v1/invitations/decline': { params: {}, json: { token: fixtures.invited.token } },
    'POST /api/v1/invitations/accept': { token: world.freelancer.token, params: {}, json: { token: fixtures.acceptToken } },
    'GET /api/v1/screenshots/{id}': { token: world.client.token, params: { id: fixtures.shotId } },
    'DELETE /api/v1/screenshots/{id}': { token: world.client.token, params: { id: fixtures.shotId } },
  };
  const recipe = known[routeName(route)];
  const token = needsToken ? world.client.token : undefined;
  const refusedTokens = fixtures.refusedTokens;
  if (recipe) return { route, needsToken, refusedTokens, ...recipe, token: needsToken ? (recipe.token ?? token) : undefined };
  // The dashboard's module route: a module that exists stands in for the wildcard.
  const concrete = route.path.endsWith('/*') ? { ...route, path: route.path.replace(/\*$/, 'api.js') } : route;
  const inputs = inputsOf(doc, route);
  const params = Object.fromEntries(Object.entries(inputs.pathParams).map(([name, schema]) => [name, String(exampleOf(schema))]));
  return { route: concrete, needsToken, token, refusedTokens, params, json: inputs.jsonBody ? exampleOf(inputs.jsonBody) : undefined };
}
