/**
 * Window-title and application-name globs: `*` is any run of characters (none included), `?` exactly one
 * character (a code point, so an emoji is one), `\` makes the next character literal. A pattern matches the
 * whole text; "*Patient*" is the way to say "contains".
 *
 * Case-insensitive the Unicode way: both sides are folded (NFKC, then upper and lower case), so "ＰＡＴＩＥＮＴ"
 * matches "patient", "Straße" matches "STRASSE" and a decomposed "é" matches a composed one.
 *
 * Why not a RegExp: these patterns come from the other party (the client's list reaches the freelancer's agent),
 * and a glob turned into a backtracking RegExp can take exponential time on a crafted title. Here a pattern is cut
 * at its stars into pieces that must appear in order; the leftmost place of each piece is always the right one, so
 * nothing is ever retried: at most (text length × pattern length) steps.
 */

/** One piece between stars: characters, with null where the pattern has `?`. */
type Piece = readonly (string | null)[];

export interface CompiledGlob {
  /** The pattern as written (trimmed), for messages. */
  readonly source: string;
  /** The piece before the first star, or the whole pattern when it has none. */
  readonly head: Piece;
  /** Pieces between stars, in order; empty when the pattern has fewer than two stars. */
  readonly middle: readonly Piece[];
  /** The piece after the last star; null when the pattern has no star. */
  readonly tail: Piece | null;
}

/** The folded form both sides are compared in. */
export function foldCase(text: string): string {
  return text.normalize('NFKC').toUpperCase().toLowerCase().normalize('NFKC');
}

/** Whether a glob is well formed: it may not end with a lone escape. */
export function globProblem(pattern: string): string | null {
  let escaped = false;
  for (const c of pattern) escaped = !escaped && c === '\\';
  return escaped ? 'a pattern cannot end with a lone \\' : null;
}

export function compileGlob(pattern: string): CompiledGlob {
  const pieces: (string | null)[][] = [[]];
  let escaped = false;
  for (const c of Array.from(foldCase(pattern))) {
    const current = pieces[pieces.length - 1]!;
    if (escaped) {
      current.push(c);
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === '*') {
      pieces.push([]);
    } else {
      current.push(c === '?' ? null : c);
    }
  }
  if (escaped) pieces[pieces.length - 1]!.push('\\');
  const head = pieces[0]!;
  if (pieces.length === 1) return { source: pattern, head, middle: [], tail: null };
  return { source: pattern, head, middle: pieces.slice(1, -1).filter((p) => p.length > 0), tail: pieces[pieces.length - 1]! };
}

/** Whether `text` (already folded and split into code points) matches. */
export function globMatches(glob: CompiledGlob, text: readonly string[]): boolean {
  const { head, middle, tail } = glob;
  if (tail === null) return head.length === text.length && pieceAt(head, text, 0);
  if (head.length + tail.length > text.length) return false;
  if (!pieceAt(head, text, 0) || !pieceAt(tail, text, text.length - tail.length)) return false;
  let from = head.length;
  const end = text.length - tail.length;
  for (const piece of middle) {
    const at = findPiece(piece, text, from, end);
    if (at < 0) return false;
    from = at + piece.length;
  }
  return true;
}

function pieceAt(piece: Piece, text: readonly string[], at: number): boolean {
  for (let i = 0; i < piece.length; i += 1) {
    const want = piece[i];
    if (want !== null && want !== text[at + i]) return false;
  }
  return true;
}

/** The first place in [from, end) where the piece fits entirely, or -1. */
function findPiece(piece: Piece, text: readonly string[], from: number, end: number): number {
  for (let at = from; at + piece.length <= end; at += 1) if (pieceAt(piece, text, at)) return at;
  return -1;
}
