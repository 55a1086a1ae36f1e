import fc from 'fast-check';
import type { RouteKey } from '../support/routes.js';
import { toRaw, type BadRequest, type RequestParts } from './corpus-cases.js';

/**
 * The corpus's wire-level cases, route-independent: bodies framed wrongly (cut short, malformed
 * chunks, conflicting lengths) and headers or request lines no parser should accept.
 */

/** `body` in chunked transfer coding, `size` bytes a chunk. */
export function chunked(body: Buffer, size: number): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < body.length; at += size) {
    const piece = body.subarray(at, at + size);
    out.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  out.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(out);
}

/** Framing: a body shorter than declared (the client died), malformed chunks, conflicting lengths. */
export function framingCases(route: RouteKey, parts: RequestParts, body: Buffer, type: string): fc.Arbitrary<BadRequest>[] {
  return [
    fc.nat({ max: Math.max(0, body.length - 1) }).map((cut) => ({
      kind: 'framing',
      defect: `body cut at ${cut} of ${body.length}`,
      noAnswerOk: true,
      request: toRaw(route.path, { ...parts, body: body.subarray(0, cut), contentType: type }, { contentLength: body.length, halfClose: true }),
    })),
    fc.constantFrom(
      { defect: 'chunk size not hex', body: Buffer.from(`zz\r\n${body.toString('latin1')}\r\n0\r\n\r\n`, 'latin1'), te: 'chunked', cl: null },
      {
        defect: 'chunk shorter than its data',
        body: Buffer.concat([Buffer.from(`${Math.max(1, body.length >> 1).toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]),
        te: 'chunked',
        cl: null,
      },
      { defect: 'chunked and content-length', body: chunked(body, 7), te: 'chunked', cl: body.length },
      { defect: 'transfer-encoding gzip', body, te: 'gzip', cl: null },
      { defect: 'transfer-encoding twice', body: chunked(body, 7), te: 'chunked, chunked', cl: null },
      { defect: 'content-length not a number', body, te: null, cl: 'twelve' },
      { defect: 'negative content-length', body, te: null, cl: '-1' },
      { defect: 'content-length 1e3', body, te: null, cl: '1e3' },
      { defect: 'content-length past 2^64', body, te: null, cl: '99999999999999999999999' },
      { defect: 'two different content-lengths', body, te: null, cl: `${body.length}, ${body.length + 1}` },
    ).map((f) => ({
      kind: 'framing',
      defect: f.defect,
      request: toRaw(
        route.path,
        { ...parts, body: f.body, contentType: type, headers: f.te ? [...parts.headers, ['transfer-encoding', f.te]] : parts.headers },
        { contentLength: f.cl },
      ),
    })),
  ];
}

/** Headers no client should send, and request lines no parser should accept. */
export function headerCases(route: RouteKey, parts: RequestParts): fc.Arbitrary<BadRequest> {
  const base = toRaw(route.path, parts);
  const add = (headers: ReadonlyArray<readonly [string, string | Buffer]>, defect: string): BadRequest => ({ kind: 'header', defect, request: { ...base, headers: [...base.headers, ...headers] } });
  return fc.oneof(
    fc.constantFrom(
      add([['bad header', 'x']], 'space in a header name'),
      add([['x-a@b', 'x']], '@ in a header name'),
      add([['', 'x']], 'empty header name'),
      add([['x-ctl', 'a\u0001b']], 'control character in a value'),
      add([['x-nul', 'a\u0000b']], 'NUL in a value'),
      add([['x-injected', 'a\r\nb']], 'CRLF inside a value'),
      add([['x-pad', 'a'.repeat(20_000)]], 'one 20 KB header'),
      add(
        Array.from({ length: 300 }, (_, i) => [`x-many-${i}`, 'y'.repeat(100)] as const),
        '300 headers of 100 bytes',
      ),
      add([['expect', 'bogus-expectation']], 'unknown Expect'),
      add([['host', 'a'], ['host', 'b']], 'two Host headers'),
      { kind: 'header', defect: 'request line: unknown method', request: { ...base, method: 'FROB' } },
      { kind: 'header', defect: 'request line: lower-case method', request: { ...base, method: base.method.toLowerCase() } },
      { kind: 'header', defect: 'request line: raw space in the target', request: { ...base, target: `${base.target} x` } },
      { kind: 'header', defect: 'request line: raw UTF-8 in the target', request: { ...base, target: `${base.target}ë` } },
      { kind: 'header', defect: 'request line: target without a slash', request: { ...base, target: base.target.slice(1) } },
      { kind: 'header', defect: 'request line: asterisk target', request: { ...base, target: '*' } },
    ),
  );
}
