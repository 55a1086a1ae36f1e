import type { ApiClient } from './api.js';

/**
 * Screenshots are fetched with the session's token and shown through blob: URLs. A redraw (after a
 * deletion, a policy change, the periodic refresh) reuses the URLs it already has instead of
 * downloading every image of the week again; once a drawing is complete, the URLs it no longer
 * shows are released, so images do not pile up in memory while the client pages through weeks.
 */
const cache = new Map<string, Promise<string>>();
let shown = new Set<string>();

export function loadImage(api: ApiClient, url: string): Promise<string> {
  shown.add(url);
  let objectUrl = cache.get(url);
  if (!objectUrl) {
    objectUrl = api.image(url).then((blob) => URL.createObjectURL(blob));
    // A failed fetch is not kept: the next drawing tries again.
    objectUrl.catch(() => cache.delete(url));
    cache.set(url, objectUrl);
  }
  return objectUrl;
}

/** Starts a drawing: from now on, the images it asks for are the ones to keep. */
export function beginDrawing(): void {
  shown = new Set();
}

/** Ends a drawing: every image it did not ask for is released. */
export function endDrawing(): void {
  for (const [url, objectUrl] of cache) {
    if (shown.has(url)) continue;
    cache.delete(url);
    objectUrl.then((u) => URL.revokeObjectURL(u)).catch(() => undefined);
  }
}

/** Signing out forgets every image. */
export function releaseImages(): void {
  shown = new Set();
  endDrawing();
}
