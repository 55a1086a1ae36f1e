import fc from 'fast-check';
import { anyText, invalidVariant, type JsonSchema } from './corpus-schema.js';
import type { RawRequest } from '../support/raw-http.js';
import { chunked, framingCases, headerCases } from './corpus-wire.js';
import type { RouteKey } from '../support/routes.js';

/**
 * The bad-input corpus: for one route, given a request that would succeed (its recipe), requests
 * that are wrong in exactly one way — path, query, JSON body, content type, size, framing, headers,
 * token — as fast-check arbitraries. Which parts exist, and what their values may be, comes from
 * the OpenAPI operation, so a new route gets cases without anyone writing them.
 */
export interface RouteRecipe {
  readonly route: RouteKey;
  readonly needsToken: boolean;
  readonly token?: string;
  /** Path parameters of a request that would succeed. */
  readonly params: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  /** The JSON body of a request that would succeed, for routes that take one. */
  readonly json?: unknown;
  /** Or a raw body (image uploads). */
  readonly raw?: { readonly contentType: string; readonly bytes: Buffer };
  /** Real tokens the server must refuse (revoked, expired): the corpus sends them too. */
  readonly refusedTokens?: readonly string[];
  /** Route-specific bad requests the document cannot describe (image bytes, metadata headers). */
  readonly extra?: (base: RequestParts) => fc.Arbitrary<BadRequest>;
}

/** What the OpenAPI document says about an operation's inputs. */
export interface OperationInputs {
  readonly pathParams: Readonly<Record<string, JsonSchema>>;
  readonly queryParams: Readonly<Record<string, JsonSchema>>;
  readonly jsonBody: JsonSchema | null;
}

export interface BadRequest {
  /** The corpus class: path, query, body, content-type, size, framing, header, token, method, or a route's own. */
  readonly kind: string;
  readonly defect: string;
  readonly request: RawRequest;
  /** A client that dies mid-body may get no answer at all. */
  readonly noAnswerOk?: boolean;
  /** The status every such request must get, when it is certain (401 for a bad token). */
  readonly status?: number;
}

/** A request as parts, so one part can be spoiled and the rest kept. */
export interface RequestParts {
  readonly method: string;
  readonly params: Record<string, string>;
  readonly query: Record<string, string>;
  readonly headers: Array<readonly [string, string | Buffer]>;
  readonly body?: Buffer;
  readonly contentType?: string;
}

export interface CorpusLimits {
  readonly maxJsonBytes: number;
  readonly maxBodyBytes: number;
}

export function partsOf(recipe: RouteRecipe): RequestParts {
  const headers: Array<readonly [string, string]> = [...(recipe.headers ?? [])];
  if (recipe.token) headers.unshift(['authorization', `Bearer ${recipe.token}`]);
  const body = recipe.raw ? recipe.raw.bytes : recipe.json === undefined ? undefined : Buffer.from(JSON.stringify(recipe.json));
  const contentType = recipe.raw ? recipe.raw.contentType : recipe.json === undefined ? undefined : 'application/json';
  return { method: recipe.route.method, params: { ...recipe.params }, query: { ...recipe.query }, headers, body, contentType };
}

/** encodeURIComponent that never throws: lone surrogates go out as U+FFFD, as a UTF-8 encoder sends them. */
export function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.!~*'()]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The wire request for `parts` on `path` (`{name}` placeholders); path parameters are sent as given. */
export function toRaw(path: string, parts: RequestParts, extra: Partial<RawRequest> = {}): RawRequest {
  const filled = path.replace(/\{(\w+)\}/g, (_m, name: string) => parts.params[name] ?? '');
  const query = Object.entries(parts.query)
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
  const headers = [...parts.headers];
  if (parts.contentType !== undefined && !headers.some(([n]) => n.toLowerCase() === 'content-type')) headers.push(['content-type', parts.contentType]);
  return { method: parts.method, target: query ? `${filled}?${query}` : filled, headers, body: parts.body, ...extra };
}

const withoutHeader = (parts: RequestParts, name: string) => parts.headers.filter(([n]) => n.toLowerCase() !== name);

const ID_JUNK: readonly string[] = ['..', '%2e%2e', '%00', '%ZZ', '%', '%2F', '..%2F..%2Fetc%2Fpasswd', '*', '{id}', 'null', 'undefined', '-1', '0', 'NaN'];

function pathCases(route: RouteKey, parts: RequestParts, inputs: OperationInputs): fc.Arbitrary<BadRequest>[] {
  const out: fc.Arbitrary<BadRequest>[] = [
    fc
      .constantFrom('/extra', '/', '%00', ';x=1', '/..', '/%2e%2e/%2e%2e', '.json', '//', '~')
      .map((suffix) => ({ kind: 'path', defect: `path + ${JSON.stringify(suffix)}`, request: toRaw(`${route.path}${suffix}`, parts) })),
    fc.constant({ kind: 'path', defect: 'path in upper case', request: toRaw(route.path.replace(/^\/api\/v1/, '/API/V1').replace(/^\/dashboard/, '/DASHBOARD'), parts) }),
  ];
  for (const name of Object.keys(inputs.pathParams)) {
    const schema = inputs.pathParams[name] ?? {};
    const valueDefect = invalidVariant({ ...schema, type: 'string' }, parts.params[name]);
    const encoded: fc.Arbitrary<string>[] = [fc.constantFrom(...ID_JUNK)];
    if (valueDefect) encoded.push(valueDefect.map((d) => percentEncode(typeof d.value === 'string' ? d.value : (JSON.stringify(d.value) ?? 'undefined'))).filter((v) => v.length > 0));
    encoded.push(fc.constantFrom(`${parts.params[name]}/`, `${parts.params[name]}%20`, `${parts.params[name]}%0A`, 'A'.repeat(129), 'A'.repeat(5000)));
    out.push(
      fc.oneof(...encoded).map((value) => ({
        kind: 'path',
        defect: `{${name}} = ${JSON.stringify(value.slice(0, 60))}`,
        request: toRaw(route.path, { ...parts, params: { ...parts.params, [name]: value } }),
      })),
    );
  }
  return out;
}

function queryCases(route: RouteKey, parts: RequestParts, inputs: OperationInputs): fc.Arbitrary<BadRequest>[] {
  const names = Object.keys(inputs.queryParams);
  // Unknown keys are refused only where the route declares its query (strictly); elsewhere they are ignored.
  if (names.length === 0) return [];
  const out: fc.Arbitrary<BadRequest>[] = [
    fc
      .tuple(fc.oneof(fc.constantFrom('admin', 'from ', 'x', '__proto__', 'constructor[prototype][x]'), anyText(10)), anyText(10))
      .filter(([key]) => !names.includes(key) && key.length > 0)
      .map(([key, value]) => ({ kind: 'query', defect: `unknown ?${key}`, request: toRaw(route.path, { ...parts, query: { ...parts.query, [key]: value } }) })),
    fc.constantFrom('%', 'a=%ZZ', '&&&=&', `${'p=1&'.repeat(3000)}`, `q=${'x'.repeat(12_000)}`).map((raw) => {
      const request = toRaw(route.path, parts);
      const join = request.target.includes('?') ? '&' : '?';
      return { kind: 'query', defect: `raw query ${JSON.stringify(raw.slice(0, 30))}`, request: { ...request, target: `${request.target}${join}${raw}` } };
    }),
  ];
  for (const name of names) {
    const schema = inputs.queryParams[name] ?? {};
    const constrained = schema.pattern !== undefined || schema.enum !== undefined || schema.format !== undefined;
    const valid = parts.query[name] ?? '';
    if (constrained) {
      const defect = invalidVariant({ ...schema, type: 'string' }, valid);
      if (defect) {
        out.push(
          defect
            .filter((d) => typeof d.value === 'string')
            .map((d) => ({ kind: 'query', defect: `?${name}: ${d.defect}`, request: toRaw(route.path, { ...parts, query: { ...parts.query, [name]: String(d.value) } }) })),
        );
      }
    }
    out.push(
      fc.constant({
        kind: 'query',
        defect: `?${name} twice`,
        request: { ...toRaw(route.path, parts), target: `${toRaw(route.path, { ...parts, query: { ...parts.query, [name]: valid || 'a' } }).target}&${name}=b` },
      }),
    );
  }
  return out;
}

/** Malformed JSON: a valid body with one value replaced by a token JSON does not have, or cut short. */
function syntaxCases(route: RouteKey, parts: RequestParts, json: unknown): fc.Arbitrary<BadRequest>[] {
  const text = JSON.stringify(json);
  const send = (body: string | Buffer, defect: string): BadRequest => ({
    kind: 'body',
    defect,
    request: toRaw(route.path, { ...parts, body: Buffer.isBuffer(body) ? body : Buffer.from(body), contentType: 'application/json' }),
  });
  const keys = json !== null && typeof json === 'object' && !Array.isArray(json) ? Object.keys(json) : [];
  const out: fc.Arbitrary<BadRequest>[] = [
    fc.nat({ max: Math.max(0, text.length - 1) }).map((cut) => send(text.slice(0, cut), `cut at ${cut} of ${text.length}`)),
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => send(Buffer.from(bytes), 'random bytes')),
    fc.constantFrom(
      `${text},`,
      `${text}${text}`,
      `[${text}`,
      text.replace(/"/g, "'"),
      `${text.slice(0, -1)},}`,
      `/*c*/${text}`,
      `{"__proto__": {"admin": true}, ${text.slice(1)}`,
      `{"constructor": {"prototype": {"admin": true}}, ${text.slice(1)}`,
      `${'['.repeat(50_000)}${']'.repeat(50_000)}`,
      `{"a":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_001)}`,
      '\u0000',
      'undefined',
    ).map((body) => send(body, `malformed: ${body.slice(0, 40)}`)),
  ];
  if (keys.length > 0) {
    out.push(
      fc
        .tuple(fc.constantFrom(...keys), fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '0x10', '01', '.5', '+1', 'True', 'None', "'x'", 'undefined', 'new Date()'))
        .map(([key, token]) => {
          const marker = '"__corpus_raw__"';
          const body = JSON.stringify({ ...(json as Record<string, unknown>), [key]: '__corpus_raw__' }).replace(marker, token);
          return send(body, `${key}: ${token}`);
        }),
    );
  }
  return out;
}

function bodyCases(route: RouteKey, parts: RequestParts, inputs: OperationInputs, limits: CorpusLimits): fc.Arbitrary<BadRequest>[] {
  const out: fc.Arbitrary<BadRequest>[] = [];
  const body = parts.body ?? Buffer.from('{}');
  const type = parts.contentType ?? 'application/json';
  if (inputs.jsonBody && parts.body) {
    const json: unknown = JSON.parse(parts.body.toString('utf8'));
    const defect = invalidVariant(inputs.jsonBody, json);
    if (defect) {
      out.push(
        defect.map((d) => ({
          kind: 'body',
          defect: d.defect,
          request: toRaw(route.path, { ...parts, body: Buffer.from(JSON.stringify(d.value) ?? 'null') }),
        })),
      );
    }
    out.push(...syntaxCases(route, parts, json));
  } else {
    // A route without a body: any body it is sent is one it never asked for, malformed or mistyped.
    out.push(
      fc.constantFrom('{', '{"a":', '\u0000', 'null,', `${'['.repeat(50_000)}`).map((text) => ({
        kind: 'body',
        defect: `unasked malformed JSON ${JSON.stringify(text.slice(0, 20))}`,
        request: toRaw(route.path, { ...parts, body: Buffer.from(text), contentType: 'application/json' }),
      })),
    );
  }
  out.push(
    fc
      .constantFrom(
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/octet-stream',
        'text/html',
        'image/gif',
        // Another body type the server does parse somewhere, where this route does not take it.
        inputs.jsonBody ? 'image/jpeg' : parts.body ? 'application/json' : 'image/png',
        'application/jsonx',
        ';;;',
        'application/',
        '*/*',
        'x'.repeat(2000),
      )
      .map((contentType) => ({ kind: 'content-type', defect: `content-type ${contentType.slice(0, 40)}`, request: toRaw(route.path, { ...parts, body, contentType }) })),
    fc.constant({
      kind: 'content-type',
      defect: 'no content-type',
      request: toRaw(route.path, { ...parts, body, contentType: undefined, headers: withoutHeader(parts, 'content-type') }),
    }),
    fc.constant({
      kind: 'content-type',
      defect: 'two content-types, a wrong one first',
      request: toRaw(route.path, { ...parts, body, headers: [...withoutHeader(parts, 'content-type'), ['content-type', 'text/html'], ['content-type', type]] }),
    }),
  );
  // Oversized: over the route's limit, declared honestly, and again as chunks with no length declared.
  const limit = type === 'application/json' ? limits.maxJsonBytes : limits.maxBodyBytes;
  const oversized = Buffer.alloc(limit + 1, type === 'application/json' ? 0x20 : 0xff);
  oversized.write('{"pad":"', 0);
  out.push(
    fc.constantFrom(
      { kind: 'size', defect: `${oversized.length} bytes with content-length`, request: toRaw(route.path, { ...parts, body: oversized, contentType: type }) },
      {
        kind: 'size',
        defect: `${oversized.length} bytes chunked`,
        request: toRaw(route.path, { ...parts, body: chunked(oversized, 65_536), contentType: type, headers: [...parts.headers, ['transfer-encoding', 'chunked']] }, { contentLength: null }),
      },
      { kind: 'size', defect: 'content-length far over the limit, no body', request: toRaw(route.path, { ...parts, body: Buffer.alloc(0), contentType: type }, { contentLength: 10 * limit }) },
    ),
  );
  out.push(...framingCases(route, parts, body, type));
  return out;
}

/** Authorization headers that must not let anyone in (routes that need a token). */
function tokenCases(route: RouteKey, parts: RequestParts, token: string, refused: readonly string[]): fc.Arbitrary<BadRequest> {
  const others = withoutHeader(parts, 'authorization');
  const send = (values: Array<string | Buffer>, defect: string, status?: number): BadRequest => ({
    kind: 'token',
    defect,
    status,
    request: toRaw(route.path, { ...parts, headers: [...values.map((v) => ['authorization', v] as const), ...others] }),
  });
  const tokenLike = fc.stringMatching(/^[A-Za-z0-9_\-.~+/]{16,256}$/);
  return fc.oneof(
    tokenLike.filter((t) => t !== token).map((t) => send([`Bearer ${t}`], 'a well-formed unknown token', 401)),
    anyText(300).map((t) => send([`Bearer ${t}`], 'arbitrary text as a token')),
    ...refused.map((dead, i) => fc.constant(send([`Bearer ${dead}`], `a real token the server ended (${i + 1})`, 401))),
    fc.constantFrom(
      send([], 'no authorization', 401),
      send([''], 'empty authorization', 401),
      send(['Bearer'], 'scheme only', 401),
      send(['Bearer '], 'scheme and a space', 401),
      send([`bearer ${token}`], 'lower-case scheme', 401),
      send([`Basic ${Buffer.from(`user:${token}`).toString('base64')}`], 'Basic credentials', 401),
      send([`Bearer ${token}x`], 'the token plus a character', 401),
      send([`Bearer ${token.slice(0, -1)}`], 'the token less a character', 401),
      send([`Bearer ${Buffer.from(token).toString('base64')}`], 'the token base64-encoded', 401),
      send([`Bearer ${percentEncode(`${token} `)}`], 'the token URL-encoded with a space', 401),
      send([`Bearer ${token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase()}`], 'the token in another case', 401),
      send([`Bearer ${'A'.repeat(257)}`], 'a token too long', 401),
      send([`Bearer ${token} ${token}`], 'the token twice in one header', 401),
      send([`Token ${token}`], 'another scheme', 401),
      send([Buffer.from(`Bearer ${token}\u00e9`, 'latin1')], 'the token plus a latin-1 byte', 401),
      send(['Bearer x', `Bearer ${token}`], 'two authorization headers, a bad one first'),
      send([Buffer.from(`Bearer ${token}\u0000`, 'latin1')], 'the token plus NUL'),
      send([`Bearer ${'x'.repeat(20_000)}`], 'a 20 KB token'),
    ),
  );
}

function methodCases(route: RouteKey, parts: RequestParts, registered: readonly string[]): fc.Arbitrary<BadRequest>[] {
  const others = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'].filter((m) => !registered.includes(m));
  if (others.length === 0) return [];
  return [fc.constantFrom(...others).map((method) => ({ kind: 'method', defect: `${method} on this path`, request: toRaw(route.path, { ...parts, method }) }))];
}

/** Every bad request of the corpus for one route. */
export function corpusFor(recipe: RouteRecipe, inputs: OperationInputs, registeredMethods: readonly string[], limits: CorpusLimits): fc.Arbitrary<BadRequest> {
  const parts = partsOf(recipe);
  const route = recipe.route;
  const arbitraries: Array<{ arbitrary: fc.Arbitrary<BadRequest>; weight: number }> = [];
  const each = (list: fc.Arbitrary<BadRequest>[], weight: number) => list.forEach((arbitrary) => arbitraries.push({ arbitrary, weight }));
  each(pathCases(route, parts, inputs), 2);
  each(queryCases(route, parts, inputs), 2);
  each(bodyCases(route, parts, inputs, limits), inputs.jsonBody ? 4 : 2);
  each([headerCases(route, parts)], 4);
  if (recipe.needsToken && recipe.token) each([tokenCases(route, parts, recipe.token, recipe.refusedTokens ?? [])], 5);
  each(methodCases(route, parts, registeredMethods), 1);
  if (recipe.extra) each([recipe.extra(parts)], 6);
  return fc.oneof(...arbitraries);
}
