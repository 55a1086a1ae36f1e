import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_PRIVATE_PATTERN_CHARS,
  MAX_PRIVATE_RULES,
  PrivateWindowMatcher,
  compileGlob,
  foldCase,
  globMatches,
  normalisePrivateRules,
  readPrivateList,
  samePrivateRules,
  type PrivateWindowRule,
  type WindowIdentity,
} from '../../../../src/shared/privacy/index.js';

const title = (pattern: string) => new PrivateWindowMatcher([{ kind: 'title', pattern }]);
const app = (pattern: string) => new PrivateWindowMatcher([{ kind: 'app', pattern }]);
const win = (t: string, apps: string[] = []): WindowIdentity => ({ title: t, apps });
const glob = (pattern: string, text: string) => globMatches(compileGlob(pattern), Array.from(foldCase(text)));

describe('globs', () => {
  it('match the whole text: no star is an exact (case-folded) match', () => {
    expect(glob('Patient', 'patient')).toBe(true);
    expect(glob('Patient', 'Patient record')).toBe(false);
    expect(glob('Patient', 'Patien')).toBe(false);
    expect(glob('', '')).toBe(true);
  });

  it('* is any run of characters, none included, anywhere in the pattern', () => {
    expect(glob('*Patient*', 'Epic — Patient Jane Doe')).toBe(true);
    expect(glob('*Patient*', 'Patient')).toBe(true);
    expect(glob('*Patient*', 'Patent')).toBe(false);
    expect(glob('Epic*', 'Epic Hyperspace')).toBe(true);
    expect(glob('*.kdbx - KeePassXC', 'bank.kdbx - KeePassXC')).toBe(true);
    expect(glob('*.kdbx - KeePassXC', 'bank.kdbx - KeePassXC (locked)')).toBe(false);
    expect(glob('a*b*c', 'a-b-c')).toBe(true);
    expect(glob('a*b*c', 'a-c-b')).toBe(false);
    expect(glob('a**b', 'ab')).toBe(true);
    expect(glob('*', '')).toBe(true);
    expect(glob('a*a', 'a')).toBe(false);
  });

  it('? is exactly one character, and an emoji or a CJK character is one', () => {
    expect(glob('Invoice ????', 'Invoice 4711')).toBe(true);
    expect(glob('Invoice ????', 'Invoice 471')).toBe(false);
    expect(glob('? notes', '🔒 notes')).toBe(true);
    expect(glob('?? notes', '🔒 notes')).toBe(false);
    expect(glob('患者?', '患者A')).toBe(true);
  });

  it('\\ makes the next character literal', () => {
    expect(glob('what\\?', 'what?')).toBe(true);
    expect(glob('what\\?', 'whatX')).toBe(false);
    expect(glob('100\\*', '100*')).toBe(true);
    expect(glob('100\\*', '1000')).toBe(false);
    expect(glob('a\\\\b', 'a\\b')).toBe(true);
  });

  it('agree with a regular expression built from the same glob (ASCII, fast-check, fixed seed)', () => {
    const piece = fc.constantFrom('a', 'b', 'A', '*', '?', '.', ' ');
    const toRegExp = (pattern: string) =>
      new RegExp(`^${[...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 'is');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.array(fc.constantFrom('a', 'b', 'B', '.', ' '), { maxLength: 12 }), (p, t) => {
        const pattern = p.join('');
        const text = t.join('');
        expect(glob(pattern, text)).toBe(toRegExp(pattern).test(text));
      }),
      { numRuns: 3000, seed: 20261127 },
    );
  });
});

describe('case and Unicode', () => {
  it('fold case beyond ASCII', () => {
    expect(title('*ПАЦИЕНТ*').matches(win('карта пациента'))).toBe(true);
    expect(title('*straße*').matches(win('STRASSE 12'))).toBe(true);
    expect(title('ΟΔΟΣ').matches(win('οδος'))).toBe(true);
    expect(title('*patient*').matches(win('ＰＡＴＩＥＮＴ chart'))).toBe(true); // full-width letters
    expect(title('café').matches(win('CAFE\u0301'))).toBe(true); // decomposed é
  });

  it('keeps surrogate pairs whole', () => {
    expect(title('*🏥*').matches(win('Ward 🏥 list'))).toBe(true);
    expect(title('*🏥*').matches(win('Ward \ud83c list'))).toBe(false);
  });
});

describe('the private-window matcher', () => {
  it('matches an application by any of its names: WM_CLASS instance and class, executable', () => {
    const xterm = win('bash', ['XTerm', 'xterm', 'xterm']);
    expect(app('xterm').matches(xterm)).toBe(true);
    expect(app('XTERM').matches(xterm)).toBe(true);
    expect(app('term').matches(xterm)).toBe(false);
    expect(app('*term').matches(xterm)).toBe(true);
    expect(app('Epic Hyperspace').matches(win('Chart', ['Epic Hyperspace', 'hyperspace.exe']))).toBe(true);
    expect(app('hyperspace.exe').matches(win('Chart', ['Epic Hyperspace', 'hyperspace.exe']))).toBe(true);
  });

  it('never matches an application by its title, nor a title by the application name', () => {
    expect(app('KeePassXC').matches(win('KeePassXC', ['gedit']))).toBe(false);
    expect(title('gedit').matches(win('notes.txt', ['gedit']))).toBe(false);
  });

  it('ignores empty names: a window that says nothing about its application matches no app rule', () => {
    expect(app('*').matches(win('anything', ['', '']))).toBe(false);
    expect(app('*').matches(win('anything', ['x']))).toBe(true);
  });

  it('an empty list matches nothing; the union of rules matches what either matches', () => {
    expect(PrivateWindowMatcher.NONE.matches(win('Patient', ['epic']))).toBe(false);
    expect(PrivateWindowMatcher.NONE.size).toBe(0);
    const union = new PrivateWindowMatcher([
      { kind: 'app', pattern: 'keepassxc' },
      { kind: 'title', pattern: '*Patient*' },
    ]);
    expect(union.matches(win('Passwords', ['KeePassXC']))).toBe(true);
    expect(union.matches(win('Patient 12', ['epic']))).toBe(true);
    expect(union.matches(win('Invoice', ['gedit']))).toBe(false);
  });

  it('counts distinct rules: the same pattern in another case or with spaces around it is one rule', () => {
    const rules: PrivateWindowRule[] = [
      { kind: 'title', pattern: '*Patient*' },
      { kind: 'title', pattern: ' *PATIENT* ' },
      { kind: 'app', pattern: '*Patient*' },
    ];
    expect(new PrivateWindowMatcher(rules).size).toBe(2);
    expect(normalisePrivateRules(rules)).toEqual([
      { kind: 'title', pattern: '*Patient*' },
      { kind: 'app', pattern: '*Patient*' },
    ]);
    expect(samePrivateRules(rules.slice(0, 1), rules.slice(1, 2))).toBe(true);
    expect(samePrivateRules(rules.slice(0, 1), rules.slice(2))).toBe(false);
  });
});

describe('lists from the server (readPrivateList)', () => {
  it('absent is empty: a server without private windows never had any', () => {
    expect(readPrivateList(undefined)).toEqual({ readable: true, rules: [] });
    expect(readPrivateList([])).toEqual({ readable: true, rules: [] });
  });

  it('reads a valid list, trimmed and without repeats', () => {
    expect(
      readPrivateList([
        { kind: 'app', pattern: ' Epic Hyperspace ' },
        { kind: 'title', pattern: '*Patient*' },
        { kind: 'title', pattern: '*patient*' },
      ]),
    ).toEqual({
      readable: true,
      rules: [
        { kind: 'app', pattern: 'Epic Hyperspace' },
        { kind: 'title', pattern: '*Patient*' },
      ],
    });
  });

  it.each([
    ['null', null],
    ['a string', '*Patient*'],
    ['an object', { kind: 'title', pattern: 'x' }],
    ['an unknown kind', [{ kind: 'url', pattern: 'x' }]],
    ['a rule without a pattern', [{ kind: 'title' }]],
    ['an extra field', [{ kind: 'title', pattern: 'x', note: 'y' }]],
    ['an empty pattern', [{ kind: 'title', pattern: '   ' }]],
    ['a pattern too long', [{ kind: 'title', pattern: 'x'.repeat(MAX_PRIVATE_PATTERN_CHARS + 1) }]],
    ['a control character', [{ kind: 'title', pattern: 'a\u0007b' }]],
    ['a lone surrogate', [{ kind: 'title', pattern: 'a\ud800b' }]],
    ['a trailing escape', [{ kind: 'title', pattern: 'ab\\' }]],
    ['a number for a pattern', [{ kind: 'app', pattern: 42 }]],
    ['too many rules', Array.from({ length: MAX_PRIVATE_RULES + 1 }, (_, i) => ({ kind: 'title', pattern: `p${i}` }))],
  ])('anything else is unreadable, never empty (%s): screenshots are then skipped', (_what, value) => {
    const read = readPrivateList(value);
    expect(read.readable).toBe(false);
    if (!read.readable) expect(read.reason.length).toBeGreaterThan(0);
  });
});
