import type { ScreenshotContentType } from '../../../src/shared/protocol/api/index.js';

/**
 * What the bytes really are, from their signature: JPEG starts FF D8 FF; WebP is a RIFF container
 * whose form type is "WEBP". The declared Content-Type must agree.
 */
export function sniffImageType(bytes: Buffer): ScreenshotContentType | undefined {
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 16 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') {
    return 'image/webp';
  }
  return undefined;
}
