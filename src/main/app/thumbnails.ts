import type { ScreenshotView } from '../../shared/ipc/index.js';
import { isoFromMs } from '../../shared/time/index.js';
import { decryptScreenshot } from '../crypto/screenshot-cipher.js';
import type { KeyStore } from '../crypto/key-store.js';
import type { ScreenshotsRepository } from '../store/screenshots-repository.js';

const THUMBNAIL_WIDTH = 320;
/** The contract caps a thumbnail's data URL; a smaller JPEG is tried when the first one is too big. */
const MAX_DATA_URL_CHARS = 200_000;

/**
 * Thumbnails for the UI: decrypted and downscaled in memory, sent as a data: URL, never written to disk. Cached by
 * id, since a screenshot never changes (only disappears).
 */
export class Thumbnails {
  readonly #cache = new Map<string, string>();

  constructor(
    private readonly screenshots: ScreenshotsRepository,
    private readonly keys: KeyStore,
  ) {}

  /** The view of a stored screenshot, or null when it is gone or cannot be read. */
  async view(id: string): Promise<ScreenshotView | null> {
    const meta = this.screenshots.meta(id);
    if (!meta) return null;
    const thumbnail = await this.#thumbnail(id);
    if (thumbnail === null) return null;
    const hidden = meta.redactedWindows ?? 0;
    return { id: meta.id, segmentId: meta.segmentId, takenAt: isoFromMs(meta.takenAt), blurred: meta.blurred, thumbnail, ...(hidden > 0 ? { redactedWindows: hidden } : {}) };
  }

  /** The newest screenshots first, at most `limit`. */
  async recent(limit: number): Promise<ScreenshotView[]> {
    const newest = this.screenshots.list().slice(-limit).reverse();
    const views = await Promise.all(newest.map((meta) => this.view(meta.id)));
    const known = new Set(newest.map((m) => m.id));
    for (const id of this.#cache.keys()) if (!known.has(id)) this.#cache.delete(id);
    return views.filter((v): v is ScreenshotView => v !== null);
  }

  forget(id: string): void {
    this.#cache.delete(id);
  }

  async #thumbnail(id: string): Promise<string | null> {
    const cached = this.#cache.get(id);
    if (cached) return cached;
    const stored = this.screenshots.get(id);
    if (!stored) return null;
    const jpeg = decryptScreenshot(await this.keys.loadOrCreate(), id, stored.data);
    const { default: sharp } = await import('sharp');
    for (const quality of [60, 35]) {
      const small = await sharp(jpeg).resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true }).jpeg({ quality }).toBuffer();
      const url = `data:image/jpeg;base64,${small.toString('base64')}`;
      if (url.length <= MAX_DATA_URL_CHARS) {
        this.#cache.set(id, url);
        return url;
      }
    }
    return null;
  }
}
