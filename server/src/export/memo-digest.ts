/** How many of a day's distinct memos a digest names, and how long it may be. */
export const MEMO_DIGEST_MEMOS = 10;
export const MEMO_DIGEST_CHARS = 500;

const SEPARATOR = ' | ';
const MORE = '…';

// Controls (a line break in a memo would split a row for a careless reader) and the invisible marks that
// reorder text on screen (a memo could make another line read backwards): neither belongs in a digest.
const CONTROLS = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]+/gu;

/** A memo as one plain line: controls and runs of white space become one space. */
function oneLine(memo: string): string {
  return memo.replace(CONTROLS, ' ').replace(/\s+/gu, ' ').trim();
}

/**
 * A day's memos in one cell: the distinct ones in the order they were first written, joined by " | ", at
 * most MEMO_DIGEST_CHARS characters (code points, never half a surrogate pair); "…" ends it when memos or
 * text were left out (`more`: the database had more memos than it was asked for).
 */
export function memoDigest(memos: readonly string[], more: boolean): string {
  const distinct = [...new Set(memos.map(oneLine).filter((m) => m.length > 0))];
  const shown = [...distinct.slice(0, MEMO_DIGEST_MEMOS).join(SEPARATOR)];
  const cut = more || distinct.length > MEMO_DIGEST_MEMOS || shown.length > MEMO_DIGEST_CHARS;
  if (!cut) return shown.join('');
  return `${shown.slice(0, MEMO_DIGEST_CHARS - 1).join('').trimEnd()}${MORE}`;
}
