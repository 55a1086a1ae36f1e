import { randomBytes } from 'node:crypto';
import { keyRing, type ServerKeyRing } from '../../src/crypto/server-keys.js';

/** A server key ring of one fresh random key, as a server given no keys makes for itself (tests never share one). */
export function testKeyRing(id = 'test-key'): ServerKeyRing {
  return keyRing([{ id, key: randomBytes(32) }]);
}
