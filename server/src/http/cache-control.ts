import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * API answers carry diary data (segments, minutes, window titles, totals, who deleted what), screenshots
 * and tokens: no cache may keep them (a shared proxy, a browser's disk cache on a shared computer). An
 * onSend hook for the API scope: every answer is `no-store`, errors included, unless its route chose
 * otherwise (the policy read is revalidated with its ETag: `private, no-cache`).
 */
export async function noStoreUnlessSet(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  return payload;
}
