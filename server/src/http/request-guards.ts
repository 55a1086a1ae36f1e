import type { FastifyRequest } from 'fastify';
import { badRequest } from '../errors.js';

/**
 * Headers whose second copy Node drops without a word: a proxy in front may act on the copy this
 * server never sees (a different Host, another token, another body type). RFC 9112 §3.2 asks for a
 * 400 on more than one Host; the same ambiguity in the others is refused the same way.
 */
const SINGLE_HEADERS = new Set(['host', 'authorization', 'content-type', 'content-length']);

/** An onRequest hook, before routing decisions use any of these headers. */
export async function refuseDuplicatedHeaders(request: FastifyRequest): Promise<void> {
  const raw = request.raw.rawHeaders;
  const seen = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] ?? '').toLowerCase();
    if (!SINGLE_HEADERS.has(name)) continue;
    if (seen.has(name)) throw badRequest('VALIDATION_FAILED', `the ${name} header may be sent once only`);
    seen.add(name);
  }
}
