import { z } from 'zod';
import { compileGlob, foldCase, globMatches, globProblem, type CompiledGlob } from './glob.js';

/**
 * Private windows: what must never be in a screenshot. The freelancer keeps a list on the device (it never leaves
 * it) and the client keeps one per contract (versioned with the policy); the agent applies the union. A rule names
 * an application (matched against every name it goes by: WM_CLASS instance and class, executable name, the name the
 * OS shows) or a window-title pattern; both are globs (glob.ts), case-insensitive.
 */

export const PRIVATE_RULE_KINDS = ['app', 'title'] as const;
export type PrivateRuleKind = (typeof PRIVATE_RULE_KINDS)[number];

/** Limits that keep matching cheap whatever the other party sends (see glob.ts on the cost). */
export const MAX_PRIVATE_RULES = 100;
export const MAX_PRIVATE_PATTERN_CHARS = 128;

/** What a private window's title (and, unless the freelancer keeps names, its application) is recorded as. */
export const PRIVATE_LABEL = 'Private';

// C0 and C1 controls, and a UTF-16 half without its other half: neither is text a window shows.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const privatePatternSchema = z
  .string()
  .trim()
  .min(1, 'a pattern cannot be empty')
  .max(MAX_PRIVATE_PATTERN_CHARS, `a pattern is at most ${MAX_PRIVATE_PATTERN_CHARS} characters`)
  .refine((p) => !CONTROL.test(p), 'a pattern cannot hold control characters')
  .refine((p) => !LONE_SURROGATE.test(p), 'a pattern must be well-formed Unicode')
  .refine((p) => globProblem(p) === null, 'a pattern cannot end with a lone \\');

export const privateWindowRuleSchema = z
  .object({
    kind: z.enum(PRIVATE_RULE_KINDS).describe('app: an application name (WM_CLASS, executable); title: a window-title pattern'),
    pattern: privatePatternSchema.describe('A glob: * any characters, ? one character, \\ makes the next one literal; case-insensitive'),
  })
  .strict();
export type PrivateWindowRule = z.infer<typeof privateWindowRuleSchema>;

export const privateWindowListSchema = z.array(privateWindowRuleSchema).max(MAX_PRIVATE_RULES);

/** Two rules are the same when their kind and folded pattern are. */
export const ruleKey = (rule: PrivateWindowRule): string => `${rule.kind}\u0000${foldCase(rule.pattern.trim())}`;

/** Trimmed, without repeats (the first spelling kept), in the order given. */
export function normalisePrivateRules(rules: readonly PrivateWindowRule[]): PrivateWindowRule[] {
  const seen = new Set<string>();
  const out: PrivateWindowRule[] = [];
  for (const rule of rules) {
    const key = ruleKey(rule);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ kind: rule.kind, pattern: rule.pattern.trim() });
  }
  return out;
}

export const samePrivateRules = (a: readonly PrivateWindowRule[], b: readonly PrivateWindowRule[]): boolean =>
  a.length === b.length && a.every((rule, i) => ruleKey(rule) === ruleKey(b[i]!));

/** A list as read from somewhere the agent does not control: readable, or why not (then screenshots are skipped). */
export type PrivateListRead =
  | { readonly readable: true; readonly rules: readonly PrivateWindowRule[] }
  | { readonly readable: false; readonly reason: string };

/**
 * Reads a list sent by a server (or kept in a cache). Absent means empty: a server without private windows never had
 * any. Anything else that is not a valid list is unreadable, never "empty": fail closed.
 */
export function readPrivateList(value: unknown): PrivateListRead {
  if (value === undefined) return { readable: true, rules: [] };
  const parsed = privateWindowListSchema.safeParse(value);
  if (parsed.success) return { readable: true, rules: normalisePrivateRules(parsed.data) };
  const issue = parsed.error.issues[0];
  return { readable: false, reason: issue ? `${issue.path.join('.') || 'list'}: ${issue.message}` : 'not a list of private windows' };
}

/** A window as the matcher sees it. */
export interface WindowIdentity {
  /** Every name its application goes by (WM_CLASS instance and class, executable name, ...); empty strings are ignored. */
  readonly apps: readonly string[];
  readonly title: string;
}

/** Compiled rules: one call per window, at capture time and at every window sample. */
export class PrivateWindowMatcher {
  static readonly NONE = new PrivateWindowMatcher([]);

  readonly #apps: readonly CompiledGlob[];
  readonly #titles: readonly CompiledGlob[];

  constructor(rules: readonly PrivateWindowRule[]) {
    const normalised = normalisePrivateRules(rules);
    this.#apps = normalised.filter((r) => r.kind === 'app').map((r) => compileGlob(r.pattern));
    this.#titles = normalised.filter((r) => r.kind === 'title').map((r) => compileGlob(r.pattern));
  }

  /** How many distinct rules it holds. */
  get size(): number {
    return this.#apps.length + this.#titles.length;
  }

  matches(window: WindowIdentity): boolean {
    if (this.#apps.length > 0) {
      for (const name of window.apps) {
        if (name === '') continue;
        const folded = Array.from(foldCase(name));
        if (this.#apps.some((glob) => globMatches(glob, folded))) return true;
      }
    }
    if (this.#titles.length === 0) return false;
    const title = Array.from(foldCase(window.title));
    return this.#titles.some((glob) => globMatches(glob, title));
  }
}
