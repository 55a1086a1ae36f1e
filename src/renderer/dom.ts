/** Finds an element the page must have; a missing one is a bug in index.html, so fail loudly. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html lacks #${id}`);
  return element as T;
}

export function show(element: HTMLElement, visible: boolean): void {
  element.hidden = !visible;
}

/** Sets text only when it changed, so screen readers are not told the same thing every second. */
export function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/** A data: URL of a JPEG is the only image source the main process sends (the CSP allows nothing else). */
export function safeImageSource(url: string): string {
  return url.startsWith('data:image/jpeg;base64,') || url.startsWith('data:image/png;base64,') ? url : '';
}

export function button(id: string): HTMLButtonElement {
  return byId<HTMLButtonElement>(id);
}

/**
 * Redraws a list from its items only when they changed (compared as JSON), so a state push every few seconds does not
 * rebuild it under a screen reader or a selection.
 */
export function redrawList<T>(list: HTMLElement, items: readonly T[], draw: (item: T) => HTMLElement): void {
  const signature = JSON.stringify(items);
  if (list.dataset.signature === signature) return;
  list.dataset.signature = signature;
  list.replaceChildren(...items.map(draw));
}
