import { isIP } from 'node:net';
import { SyncError } from './errors.js';

/**
 * The server address the agent may talk to. HTTPS anywhere; plain HTTP only to this machine (loopback), where
 * nothing travels over a network a stranger could read: the token and the screenshots must never go in clear.
 * Returns the normalised origin-plus-path without a trailing slash.
 */
export function checkServerUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new SyncError('INVALID_SERVER_URL', `"${text}" is not a server address: use e.g. https://diary.example.com.`, { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SyncError('INVALID_SERVER_URL', `${url.protocol} is not supported: use an https:// server address.`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new SyncError('INVALID_SERVER_URL', 'A server address carries no user, password, query or fragment: give only https://host[:port][/path].');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new SyncError('PLAIN_HTTP_REFUSED', `Plain HTTP is refused for ${url.hostname}: use https:// (plain HTTP is only allowed to this machine).`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(host);
  return false;
}
