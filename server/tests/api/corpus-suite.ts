import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { API_ERROR_CODES } from '../../../src/shared/protocol/api/index.js';
import { hashToken, newToken } from '../../src/auth/tokens.js';
import { serverConfig } from '../../src/config.js';
import { testBackends } from '../support/backends.js';
import { signedInAccount } from '../support/contracts.js';
import { encodeRequest, sendRaw } from '../support/raw-http.js';
import { documentedRoutes, routeName, routerRoutes, type RouteKey } from '../support/routes.js';
import { openStateReader, type ServerState, type StateReader } from '../support/server-state.js';
import { createWorld, segmentBody, segmentStart, startTestServer, uploadScreenshot, type TestServer } from '../support/server.js';
import { corpusFor, type BadRequest } from './corpus-cases.js';
import { anyText, extremeVariant } from './corpus-schema.js';
import { inputsOf, recipeFor, type CorpusFixtures, type OpenApiDoc } from './corpus-recipes.js';

/**
 * The generated bad-input corpus (issue 8): every route the router knows — found in the router and
 * the OpenAPI document, so a new route is covered as soon as it exists — gets CORPUS_RUNS requests
 * (fixed seed) that are each wrong in one way, sent as real HTTP on loopback. Every answer must be a
 * 4xx (a 2xx only for reads) with a JSON error code, the server must answer a good request after
 * each, and the database (every table, every row) and the storage directory must be exactly as before.
 *
 * The routes are dealt into CORPUS_PARTS parts, one test file each (corpus-part-N.test.ts), so that the parts run
 * side by side on CI's workers: one file took 6 minutes, the longest of the whole suite.
 *
 *   CORPUS_TABLE=1 npx vitest run server/tests/api/corpus-part   (per route: cases, 5xx, statuses, kinds)
 */
const RUNS = Number(process.env.CORPUS_RUNS ?? 300);
const SEED = 20_261_126;
const DAY = 86_400_000;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const KNOWN_CODES = new Set<string>(API_ERROR_CODES);

interface RouteTally {
  cases: number;
  serverErrors: number;
  statuses: Record<string, number>;
  kinds: Record<string, number>;
}

// The test server runs with the production limits (startTestServer does not override them).
const limits = serverConfig({ dataDir: '' });

const seedOf = (name: string) => [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, SEED);

export const CORPUS_PARTS = 2;

/** Part `part` of CORPUS_PARTS: the routes whose sorted position modulo CORPUS_PARTS is `part`. */
function routesOfPart(all: RouteKey[], part: number): RouteKey[] {
  return [...all].sort((a, b) => routeName(a).localeCompare(routeName(b))).filter((_route, i) => i % CORPUS_PARTS === part);
}

/** The corpus for one part of the routes, on SQLite and PostgreSQL; each part also checks the route list as a whole. */
export function defineCorpusPart(part: number): void {
  describe.each(testBackends())(`bad-input corpus, part ${part + 1} of ${CORPUS_PARTS}, on $name`, (backend) => {
    let server: TestServer;
    let fixtures: CorpusFixtures;
    let reader: StateReader;
    let baseline: ServerState;
    let doc: OpenApiDoc;
    let allRoutes: RouteKey[];
    let routes: RouteKey[];

    beforeAll(async () => {
      server = await startTestServer(backend, { tokenTtlMs: 400 * DAY });
      const world = await createWorld(server);
      server.clock.advance(30 * DAY); // the fixtures' segments lie well after the contract started
      const now = server.clock.now();
      const bareStart = segmentStart(now) - 2 * 600_000;
      const shotSegment = segmentBody({ contractId: world.contract.id, startedAt: bareStart - 600_000 });
      const bareSegment = segmentBody({ contractId: world.contract.id, startedAt: bareStart });
      for (const segment of [shotSegment, bareSegment]) {
        expect((await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment })).status).toBe(200);
      }
      const shot = await uploadScreenshot(server, world.freelancer.token, { segmentId: shotSegment.id, capturedAt: bareStart - 599_000 });
      expect(shot.status).toBe(200);
      // Two tokens that were real: one signed out, one past its expiry.
      const signedOut = await server.request('POST', '/api/v1/auth/token', { json: { email: world.client.email, password: world.client.password } });
      expect((await server.request('DELETE', '/api/v1/auth/token', { token: signedOut.json.token })).status).toBe(204);
      const expired = newToken();
      await server.repos.tokens.create(hashToken(expired), world.freelancer.id, now - 2 * DAY, now - DAY);
      const refusedTokens = [signedOut.json.token as string, expired];
      // Two contracts waiting for their freelancer: one for an address with no account, one for the world's freelancer.
      const invite = async (email: string) => {
        const made = await server.request('POST', '/api/v1/contracts', {
          token: world.client.token,
          json: { name: `Waiting for ${email}`, freelancerEmail: email, screenshots: 'on', retentionDays: 30, timeZone: 'UTC' },
        });
        expect(made.status, made.text).toBe(201);
        return { contractId: made.json.contract.id as string, invitationId: made.json.invitation.id as string, token: made.json.invitation.token as string, email };
      };
      const invited = await invite('corpus-invitee@test.example');
      const acceptToken = (await invite(world.freelancer.email)).token;
      // Not the world's client: the limits' valid change would sign the client out everywhere, for the tests after it.
      const passwordChanger = await signedInAccount(server, 'password-changer');
      fixtures = {
        world,
        shotSegmentId: shotSegment.id,
        shotId: shot.id,
        bareSegment: { id: bareSegment.id, startedAt: bareStart },
        now,
        refusedTokens,
        invited,
        acceptToken,
        passwordChanger,
      };
      doc = (await server.request('GET', '/api/v1/openapi.json')).json as OpenApiDoc;
      allRoutes = routerRoutes(server.app);
      routes = routesOfPart(allRoutes, part);
      reader = await openStateReader(server);
      baseline = await reader.read();
    });
    afterAll(async () => {
      await reader?.close();
      await server?.close();
    });

    it('knows every route: the document names none the router lacks, and the router has the documented ones', () => {
      const router = new Set(allRoutes.map(routeName));
      const documented = documentedRoutes(doc).map(routeName);
      expect(documented.filter((r) => !router.has(r))).toEqual([]);
      expect(allRoutes.length).toBeGreaterThan(documented.length); // the dashboard and the document itself
      // The parts together cover every route, each once.
      const dealt = Array.from({ length: CORPUS_PARTS }, (_p, i) => routesOfPart(allRoutes, i).map(routeName)).flat();
      expect(dealt.sort()).toEqual(allRoutes.map(routeName).sort());
      expect(routes.length).toBeGreaterThan(0);
      expect(baseline.storageFiles).toHaveLength(1);
      expect(Object.keys(baseline.tables)).toEqual(
        expect.arrayContaining(['users', 'tokens', 'contracts', 'contract_states', 'invitations', 'policy_versions', 'segments', 'screenshots']),
      );
    });

    it(
      'answers every bad request to every route with a 4xx JSON error code, keeps answering, and stores nothing',
      async () => {
        const tally = new Map<string, RouteTally>();
        for (const route of routes) {
          const name = routeName(route);
          // Whether the route wants a token: ask it with none (and no body, so nothing can be stored).
          const params = route.path.replace(/\{\w+\}/g, () => ulid()).replace(/\*$/, 'api.js');
          const probe = await sendRaw(server.baseUrl, { method: route.method, target: params, headers: [] });
          const recipe = recipeFor(route, doc, probe.status === 401, fixtures);
          const registered = allRoutes.filter((r) => r.path === route.path).map((r) => r.method);
          const corpus = corpusFor(recipe, inputsOf(doc, route), registered, { maxJsonBytes: limits.maxJsonBytes, maxBodyBytes: limits.maxScreenshotBytes });
          const t: RouteTally = { cases: 0, serverErrors: 0, statuses: {}, kinds: {} };
          tally.set(name, t);
          await fc.assert(
            fc.asyncProperty(corpus, async (bad: BadRequest) => {
              const response = await sendRaw(server.baseUrl, bad.request);
              t.cases += 1;
              t.statuses[response.status] = (t.statuses[response.status] ?? 0) + 1;
              t.kinds[bad.kind] = (t.kinds[bad.kind] ?? 0) + 1;
              if (response.status >= 500) t.serverErrors += 1;
              const what = `${name} ${bad.kind}: ${bad.defect}\n  sent: ${JSON.stringify(encodeRequest(bad.request).subarray(0, 300).toString('latin1'))}\n  got ${response.status} ${response.body.subarray(0, 300).toString('utf8')}`;
              if (response.status === 0) {
                expect(bad.noAnswerOk, `no answer: ${what}`).toBe(true);
              } else {
                expect(response.status, what).toBeLessThan(500);
                if (!SAFE_METHODS.has(recipe.route.method) || bad.status !== undefined) expect(response.status, what).toBeGreaterThanOrEqual(400);
                if (bad.status !== undefined) expect(response.status, what).toBe(bad.status);
                if (response.status >= 400) {
                  const code = (response.json as { error?: { code?: unknown } } | undefined)?.error?.code;
                  expect(KNOWN_CODES.has(String(code)), `error code ${String(code)}: ${what}`).toBe(true);
                }
              }
              const health = await server.request('GET', '/api/v1/contracts', { token: fixtures.world.client.token });
              expect(health.status, `the server stopped answering after ${what}`).toBe(200);
              // Eventually: an upload cut off mid-body is answered (400) by Node's parser at once, while the server
              // is still removing the sealed temporary file it was writing. It must be gone within seconds.
              await expect.poll(() => reader.read(), { message: `something was stored by ${what}`, timeout: 5_000 }).toEqual(baseline);
            }),
            { seed: seedOf(`${backend.name} ${name}`), numRuns: RUNS, endOnFailure: true },
          );
        }
        const rows = [...tally].map(([name, t]) => ({ route: name, cases: t.cases, '5xx': t.serverErrors, statuses: JSON.stringify(t.statuses), kinds: JSON.stringify(t.kinds) }));
        console.log(`[corpus ${backend.name}, part ${part + 1}/${CORPUS_PARTS}] ${rows.length} routes × ${RUNS} cases, ${rows.reduce((n, r) => n + r.cases, 0)} sent, ${rows.reduce((n, r) => n + r['5xx'], 0)} answered 5xx`);
        // The per-route table is the figure for docs/RELIABILITY.md: CORPUS_TABLE=1 prints it.
        if (process.env.CORPUS_TABLE) console.table(rows);
        // Every route of this part was sent its cases (a route without coverage fails here).
        expect(rows.filter((r) => r.cases < RUNS).map((r) => r.route)).toEqual([]);
        expect(rows.map((r) => r.route).sort()).toEqual(routes.map(routeName).sort());
      },
      15 * 60_000,
    );

    // After the corpus (which needs the state untouched): what the schemas allow at their limits.
    it('answers valid values at their limits (numbers at their bounds, text and lists at their longest) without a 5xx', async () => {
      for (const route of routes) {
        const inputs = inputsOf(doc, route);
        const recipe = recipeFor(route, doc, true, fixtures);
        if (!inputs.jsonBody || recipe.json === undefined) continue;
        const extreme = extremeVariant(inputs.jsonBody, recipe.json);
        if (!extreme) continue;
        await fc.assert(
          fc.asyncProperty(extreme, async ({ value, defect }) => {
            const path = recipe.route.path.replace(/\{(\w+)\}/g, (_m, name: string) => recipe.params[name] ?? '');
            const answer = await server.request(route.method, path, { token: recipe.token, json: value });
            const what = `${routeName(route)} with ${defect}: ${answer.status} ${answer.text.slice(0, 200)}`;
            expect(answer.status, what).toBeLessThan(500);
            if (answer.status >= 400) expect(KNOWN_CODES.has(String(answer.json?.error?.code)), what).toBe(true);
          }),
          { seed: seedOf(`${backend.name} extremes ${routeName(route)}`), numRuns: 60, endOnFailure: true },
        );
      }
    });

    // Also after the corpus: text that is valid but hostile — NUL, lone
    // surrogates, bidi controls, any code point — is stored, never a 5xx, and reads back as stored.
    it('stores segments whose memo, apps and titles hold any Unicode (NUL included), and the diary gives them back', async () => {
      const { world, bareSegment } = fixtures;
      let slot = 2;
      await fc.assert(
        fc.asyncProperty(anyText(200), anyText(40), anyText(300), async (memo, app, title) => {
          const startedAt = bareSegment.startedAt - ++slot * 600_000;
          const segment = { ...segmentBody({ contractId: world.contract.id, startedAt, memo }), apps: [{ app, title, seconds: 60 }] };
          const put = await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment });
          expect(put.status, put.text).toBe(200);
          const range = `from=${new Date(startedAt).toISOString()}&to=${new Date(startedAt + 600_000).toISOString()}`;
          const diary = await server.request('GET', `/api/v1/contracts/${world.contract.id}/diary?${range}`, { token: world.client.token });
          const stored = (diary.json.segments as Array<{ id: string; memo: string; apps: unknown }>).find((s) => s.id === segment.id);
          // What a UTF-8 database can hold: NUL as U+FFFD (see storableUpload), lone surrogates as U+FFFD.
          expect(stored?.memo).toBe(Buffer.from(memo.replaceAll('\u0000', '\ufffd'), 'utf8').toString('utf8'));
          expect(put.json.result).toBe('created');
          const again = await server.request('PUT', `/api/v1/segments/${segment.id}`, { token: world.freelancer.token, json: segment });
          expect(again.json.result, 'a retry of the same upload').toBe('unchanged');
          expect(stored?.apps).toEqual([{ app, title, seconds: 60 }]);
        }),
        { seed: seedOf(`${backend.name} text ${part}`), numRuns: 40, endOnFailure: true },
      );
    });
  });
}
