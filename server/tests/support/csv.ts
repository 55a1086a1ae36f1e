/**
 * A strict RFC 4180 reader for the server's CSV exports: every field quoted, quotes doubled, CRLF after every
 * row; anything else throws, naming where.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let fields: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== '"') throw new Error(`a field does not start with a quote at ${i}`);
    let field = '';
    for (i++; ; i++) {
      if (i >= text.length) throw new Error('unterminated field');
      if (text[i] === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (text[i] === '"') break;
      else field += text[i];
    }
    fields.push(field);
    i++;
    if (text[i] === ',') i++;
    else {
      if (text.slice(i, i + 2) !== '\r\n') throw new Error(`no CRLF after a row at ${i}`);
      rows.push(fields);
      fields = [];
      i += 2;
    }
  }
  return rows;
}

/** The rows after the header, each as an object keyed by the header's names. */
export function csvRecords(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) throw new Error('no header row');
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}
