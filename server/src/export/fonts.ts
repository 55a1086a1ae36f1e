import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { create, type Font } from 'fontkit';
import { plainLine } from './format.js';

/**
 * The font a PDF timesheet embeds: DejaVu Sans (the npm package dejavu-fonts-ttf, so the server needs no system
 * font), which covers Latin with every European accent, Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic
 * letters. It has no CJK, Indic or Thai glyphs: such a character prints as U+FFFD (a visible "�", one per
 * character, and that same character in the PDF's text) rather than as an empty box whose text is lost. The CSV
 * carries every name and memo whole. pdfkit embeds only the glyphs used, so a sheet stays small.
 */
export interface TimesheetFonts {
  readonly regular: Buffer;
  readonly bold: Buffer;
  /** The text as the font can print it on one line (unknown characters as U+FFFD). */
  printable(text: string): string;
}

const REPLACEMENT = '\ufffd';

let loaded: TimesheetFonts | undefined;

/** Read once per process: 1.5 MB of font files, not a read per download. */
export function timesheetFonts(): TimesheetFonts {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const read = (file: string) => readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`));
  const regular = read('DejaVuSans.ttf');
  const bold = read('DejaVuSans-Bold.ttf');
  const faces = [create(regular), create(bold)] as Font[];
  const known = (codePoint: number) => faces.every((face) => face.hasGlyphForCodePoint(codePoint));
  const printable = (text: string) =>
    Array.from(plainLine(text), (char) => (known(char.codePointAt(0)!) ? char : REPLACEMENT)).join('');
  loaded = { regular, bold, printable };
  return loaded;
}
