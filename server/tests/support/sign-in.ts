import { request as httpRequest } from 'node:http';
import type { TestServer } from './server.js';

/** What a sign-in attempt was answered: the status, Retry-After in seconds, and the error code. */
export interface SignInAnswer {
  readonly status: number;
  readonly retryAfter: number | null;
  readonly code: string | undefined;
}

function answerOf(status: number, retryAfter: string | string[] | number | undefined, text: string): SignInAnswer {
  return {
    status,
    retryAfter: retryAfter === undefined ? null : Number(retryAfter),
    code: (JSON.parse(text) as { error?: { code?: string } }).error?.code,
  };
}

/** POST /auth/token over a real socket from a chosen local address (fetch cannot choose one): 127.0.0.x, or ::1. */
export function signInFrom(server: TestServer, localAddress: string, email: string, password: string): Promise<SignInAnswer> {
  const url = new URL('/api/v1/auth/token', server.baseUrl);
  const body = JSON.stringify({ email, password });
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', localAddress, agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => resolve(answerOf(res.statusCode ?? 0, res.headers['retry-after'], Buffer.concat(chunks).toString('utf8'))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * POST /auth/token through the whole server (hooks, limits, route) as if sent from `remoteAddress`: loopback has
 * one IPv6 address, so other addresses of a /64 (or the internet's) can only be injected.
 */
export async function signInAs(server: TestServer, remoteAddress: string, email: string, password: string): Promise<SignInAnswer> {
  const answer = await server.app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { email, password }, remoteAddress });
  return answerOf(answer.statusCode, answer.headers['retry-after'], answer.body);
}
