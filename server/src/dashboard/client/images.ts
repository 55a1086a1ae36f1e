import type { ApiClient } from './api.js';

/**
 * Screenshots are fetched with the session's token and shown through blob: URLs; the URLs made for
 * one drawing of a page are released when the next drawing replaces it, so images do not pile up in
 * memory while the client pages through weeks.
 */
const live = new Set<string>();

export async function loadImage(api: ApiClient, url: string, img: HTMLImageElement): Promise<string> {
  const blob = await api.image(url);
  const objectUrl = URL.createObjectURL(blob);
  live.add(objectUrl);
  img.src = objectUrl;
  return objectUrl;
}

export function releaseImages(): void {
  for (const url of live) URL.revokeObjectURL(url);
  live.clear();
}
