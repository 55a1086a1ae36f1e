import type { FastifyRequest } from 'fastify';

/** Query parameters the API defines; their values are ids and times, safe and useful in a log. */
const LOGGED_QUERY_KEYS = new Set(['from', 'to', 'segmentId', 'capturedAt']);

/**
 * The request URL as the log may hold it: any other query parameter is replaced whole by
 * `[redacted]`, key included. Clients put tokens and passwords in query strings (`?access_token=`,
 * OAuth habits, a form posted by GET), and fastify logs every URL at info level.
 */
export function urlForLog(url: string): string {
  const mark = url.indexOf('?');
  if (mark < 0) return url;
  const pairs = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => (LOGGED_QUERY_KEYS.has(pair.split('=')[0] ?? '') ? pair : '[redacted]'));
  return `${url.slice(0, mark)}?${pairs.join('&')}`;
}

/** fastify's request serializer, with the URL above; headers are never logged. */
export function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: urlForLog(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}
