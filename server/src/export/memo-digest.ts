import { plainLine } from './format.js';

/** How many of a day's distinct memos a digest names, and how long it may be. */
export const MEMO_DIGEST_MEMOS = 10;
export const MEMO_DIGEST_CHARS = 500;

const SEPARATOR = ' | ';
const MORE = '…';

/**
 * A day's memos in one cell: the distinct ones in the order they were first written, joined by " | ", at
 * most MEMO_DIGEST_CHARS characters (code points, never half a surrogate pair); "…" ends it when memos or
 * text were left out (`more`: the database had more memos than it was asked for).
 */
export function memoDigest(memos: readonly string[], more: boolean): string {
  const distinct = [...new Set(memos.map(plainLine).filter((m) => m.length > 0))];
  const shown = [...distinct.slice(0, MEMO_DIGEST_MEMOS).join(SEPARATOR)];
  const cut = more || distinct.length > MEMO_DIGEST_MEMOS || shown.length > MEMO_DIGEST_CHARS;
  if (!cut) return shown.join('');
  return `${shown.slice(0, MEMO_DIGEST_CHARS - 1).join('').trimEnd()}${MORE}`;
}
