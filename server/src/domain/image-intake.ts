import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ApiError, unprocessable } from '../errors.js';

/** The first two bytes of every JPEG (SOI). */
const JPEG_START = Buffer.of(0xff, 0xd8);

export const tooLarge = (maxBytes: number) => new ApiError(413, 'PAYLOAD_TOO_LARGE', `a screenshot may be at most ${maxBytes} bytes`);

/**
 * An uploaded image on its way from the request to the store, checked as it passes: its SHA-256, its size against
 * the cap (413 PAYLOAD_TOO_LARGE as soon as it is over, whatever Content-Length said), and its head (422
 * INVALID_IMAGE at once when it does not start as a JPEG, before a byte is stored). The whole-image check (layout
 * and decode, jpeg.ts) needs the image itself: with `keep` the intake holds one copy of it for that, in a buffer of
 * the announced length when there is one (the agent always sends Content-Length), so no second copy is made on the
 * way. The sealed object is never held: it goes on to the store chunk by chunk.
 */
export class ImageIntake extends Transform {
  readonly #hash = createHash('sha256');
  readonly #maxBytes: number;
  readonly #announced: number | undefined;
  #held: Buffer | undefined;
  #chunks: Buffer[] | undefined;
  #received = 0;

  constructor(options: { readonly maxBytes: number; readonly length: number | undefined; readonly keep: boolean }) {
    super();
    this.#maxBytes = options.maxBytes;
    this.#announced = options.length;
    if (options.keep) {
      if (options.length !== undefined && options.length <= options.maxBytes) this.#held = Buffer.allocUnsafe(options.length);
      else this.#chunks = [];
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const before = this.#received;
    this.#received += chunk.length;
    if (this.#received > this.#maxBytes || (this.#announced !== undefined && this.#received > this.#announced)) return done(tooLarge(this.#maxBytes));
    if (before < JPEG_START.length) {
      const head = chunk.subarray(0, JPEG_START.length - before);
      if (!head.equals(JPEG_START.subarray(before, before + head.length))) {
        return done(unprocessable('INVALID_IMAGE', 'the body is not a whole JPEG image: it does not start as a JPEG (FF D8)'));
      }
    }
    this.#hash.update(chunk);
    if (this.#held) chunk.copy(this.#held, before);
    else this.#chunks?.push(chunk);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.#announced !== undefined && this.#received !== this.#announced) {
      return done(new ApiError(400, 'VALIDATION_FAILED', `the body ended after ${this.#received} of the ${this.#announced} bytes announced`));
    }
    done();
  }

  /** The bytes received so far. */
  get received(): number {
    return this.#received;
  }

  /** The SHA-256 (hex) of the whole body; only once it has ended. */
  sha256(): string {
    return this.#hash.copy().digest('hex');
  }

  /** The whole image (with `keep`), once the body has ended. */
  image(): Buffer {
    if (this.#held) return this.#held;
    if (this.#chunks) return (this.#held = Buffer.concat(this.#chunks));
    throw new Error('the intake was not asked to keep the image');
  }
}
