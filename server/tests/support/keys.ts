import { randomBytes } from 'node:crypto';
import { keyRing, type ServerKeyRing } from '../../src/crypto/server-keys.js';

/** A server key ring of one fresh random key, as a server given no keys makes for itself (tests never share one). */
export function testKeyRing(id = 'test-key'): ServerKeyRing {
  return testServerKeys(id).ring;
}

/** The same, with its text as WORKTRACE_SERVER_KEYS takes it (for a CLI run that must open what the test server sealed). */
export function testServerKeys(id = 'test-key'): { ring: ServerKeyRing; text: string } {
  const key = randomBytes(32);
  return { ring: keyRing([{ id, key }]), text: `${id} ${key.toString('base64')}` };
}
