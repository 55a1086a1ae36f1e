import { randomBytes } from 'node:crypto';

/** An 8×8 baseline JPEG as sharp (libjpeg-turbo, quality 50) writes it: a real image every decoder reads. */
const TINY_JPEG = Buffer.from(
  '/9j/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAABAb/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIRAxEAPwCKAoT3/9k=',
  'base64',
);

/** Bytes one comment segment can carry: its length field is 16 bits and counts itself. */
const MAX_COMMENT = 0xffff - 2;

/**
 * A real JPEG that also carries `payloadBytes` random bytes, in comment segments (FF FE) right after its
 * start marker: decoders read it as the 8×8 image and skip the comments, and no two are alike, so a test
 * can look for a particular upload's bytes on disk, in the database or in an answer.
 */
export function jpegWithPayload(payloadBytes = 256): Buffer {
  const comments: Buffer[] = [];
  for (let left = payloadBytes; left > 0; left -= MAX_COMMENT) {
    const chunk = randomBytes(Math.min(left, MAX_COMMENT));
    const length = Buffer.alloc(2);
    length.writeUInt16BE(chunk.length + 2);
    comments.push(Buffer.from([0xff, 0xfe]), length, chunk);
  }
  return Buffer.concat([TINY_JPEG.subarray(0, 2), ...comments, TINY_JPEG.subarray(2)]);
}
