import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Image signatures that must never appear in plaintext on the agent's disk. JPEG is matched on four bytes
 * (SOI + the first marker): three bytes alone turn up by chance in a few hundred KB of ciphertext.
 */
const SIGNATURES: readonly { name: string; bytes: Buffer }[] = [
  ...[0xe0, 0xe1, 0xdb, 0xee].map((marker) => ({ name: 'JPEG', bytes: Buffer.from([0xff, 0xd8, 0xff, marker]) })),
  { name: 'PNG', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { name: 'WEBP', bytes: Buffer.from('WEBPVP8', 'latin1') },
];

export function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** Every (file, signature) found under `dir`: an empty list means no plaintext image anywhere. */
export function findImageSignatures(dir: string): { file: string; signature: string; offset: number }[] {
  const hits: { file: string; signature: string; offset: number }[] = [];
  for (const file of listFiles(dir)) {
    const bytes = readFileSync(file);
    for (const { name, bytes: signature } of SIGNATURES) {
      const offset = bytes.indexOf(signature);
      if (offset >= 0) hits.push({ file, signature: name, offset });
    }
  }
  return hits;
}

/**
 * Files under `dir` that contain any 32-byte piece of `plaintext` (a decrypted image that must not be on disk).
 * Only pieces with real variety count: a flat screen's JPEG is mostly runs of zeros, which every database
 * file also has. `piecesChecked` lets a test make sure the search was not vacuous.
 */
export function filesContaining(dir: string, plaintext: Buffer): { files: string[]; piecesChecked: number } {
  const varied: Buffer[] = [];
  for (let offset = 0; offset + 32 <= plaintext.length; offset += 16) {
    const piece = plaintext.subarray(offset, offset + 32);
    if (new Set(piece).size >= 16) varied.push(piece);
  }
  const step = Math.max(1, Math.floor(varied.length / 64));
  const pieces = varied.filter((_, i) => i % step === 0);
  const files = listFiles(dir).filter((file) => {
    const bytes = readFileSync(file);
    return pieces.some((piece) => bytes.includes(piece));
  });
  return { files, piecesChecked: pieces.length };
}
