import fc from 'fast-check';
import { ulid } from 'ulid';

/**
 * Invalid values from a JSON Schema (the OpenAPI document's request schemas): each generated value
 * breaks the schema in one named way — a wrong type, a missing or extra field, a string too long or
 * off its pattern, a number out of range or not whole — so that a server answering it with anything
 * but a 4xx has accepted bad input. Only constraints the schema states are relied on.
 */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly nullable?: boolean;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface Defect {
  readonly value: unknown;
  /** Where and how the value is wrong, for the failure message and the report. */
  readonly defect: string;
}

/** Strings that have broken parsers before: NUL, lone surrogates, bidi overrides, BOM, combining marks. */
export const oddStrings: readonly string[] = [
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil',
  '\ufeff',
  'e\u0301\u0301\u0301',
  '𝕏'.repeat(8),
  '../../etc/passwd',
  '%00',
  "'; DROP TABLE segments; --",
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  ' ',
  '\r\n',
];

/** Any text: printable, the whole of Unicode, or a known troublemaker. */
export const anyText = (maxLength = 40): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ maxLength }), fc.string({ unit: 'binary', maxLength }), fc.constantFrom(...oddStrings));

const typesOf = (s: JsonSchema): string[] => {
  const declared = s.type === undefined ? [] : typeof s.type === 'string' ? [s.type] : [...s.type];
  return s.nullable ? [...declared, 'null'] : declared;
};

/** A value of some JSON type the schema does not allow, or null when the schema allows every type. */
function wrongType(s: JsonSchema): fc.Arbitrary<Defect> | null {
  const allowed = new Set(typesOf(s));
  if (allowed.size === 0) return null;
  const numeric = allowed.has('number') || allowed.has('integer');
  const candidates: fc.Arbitrary<unknown>[] = [];
  if (!allowed.has('string')) candidates.push(anyText(), fc.constantFrom('1', 'true', 'null', '[]', 'NaN', 'Infinity'));
  if (!numeric) candidates.push(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
  if (!allowed.has('boolean')) candidates.push(fc.boolean());
  if (!allowed.has('null')) candidates.push(fc.constant(null));
  if (!allowed.has('array')) candidates.push(fc.array(fc.oneof(fc.integer(), anyText(8)), { maxLength: 3 }));
  if (!allowed.has('object')) candidates.push(fc.dictionary(anyText(8), fc.integer(), { maxKeys: 3 }));
  if (candidates.length === 0) return null;
  return fc.oneof(...candidates).map((value) => ({ value, defect: `not a ${[...allowed].join('|')}` }));
}

function badString(s: JsonSchema): fc.Arbitrary<Defect>[] {
  const out: fc.Arbitrary<Defect>[] = [];
  if (s.maxLength !== undefined) {
    const max = s.maxLength;
    out.push(
      fc
        .tuple(fc.constantFrom(max + 1, max + 17, Math.max(max * 4, 100_000)), anyText(4).filter((t) => t.length > 0))
        .map(([length, unit]) => ({ value: unit.repeat(Math.ceil(length / unit.length)).slice(0, Math.max(length, max + 1)), defect: `longer than ${max}` }))
        .filter((d) => (d.value as string).length > max),
    );
  }
  if ((s.minLength ?? 0) > 0) out.push(fc.constant({ value: '', defect: 'empty' }));
  if (s.pattern !== undefined || s.enum !== undefined) {
    const pattern = s.pattern === undefined ? null : new RegExp(s.pattern, 'u');
    const accepted = (t: string) => (pattern ? pattern.test(t) : true) && (s.enum ? s.enum.includes(t) : true);
    const nearMisses = [ulid().toLowerCase(), `${ulid()}I`, ulid().slice(1), `${ulid().slice(0, 25)}U`, '2026-13-45T99:99:99Z', '2026-01-05T09:00:00+02:00', 'yesterday', 'ON'];
    out.push(
      fc
        .oneof(anyText(), fc.constantFrom(...nearMisses))
        .filter((t) => !accepted(t))
        .map((value) => ({ value, defect: `off its pattern/enum` })),
    );
  }
  return out;
}

function badNumber(s: JsonSchema, base: unknown): fc.Arbitrary<Defect>[] {
  const out: fc.Arbitrary<Defect>[] = [];
  if (s.minimum !== undefined) {
    const min = s.minimum;
    out.push(fc.constantFrom(min - 1, min - 1000, -1e308, -(2 ** 63)).map((value) => ({ value, defect: `below ${min}` })));
  }
  if (s.maximum !== undefined) {
    const max = s.maximum;
    out.push(fc.constantFrom(max + 1, max * 2 + 1, 1e308, 2 ** 64).filter((v) => v > max).map((value) => ({ value, defect: `above ${max}` })));
  }
  if (typesOf(s).includes('integer') && !typesOf(s).includes('number')) {
    const whole = typeof base === 'number' ? base : (s.minimum ?? 0);
    out.push(fc.constantFrom(0.5, 0.001, 1e-9).map((f) => ({ value: whole + f, defect: 'not whole' })));
  }
  return out;
}

/** One way to make `base` (valid under `schema`) invalid, at some depth; null when none is known. */
export function invalidVariant(schema: JsonSchema, base: unknown, path = '$'): fc.Arbitrary<Defect> | null {
  const here: fc.Arbitrary<Defect>[] = [];
  const wrong = wrongType(schema);
  if (wrong) here.push(wrong);
  const types = typesOf(schema);
  if (types.includes('string')) here.push(...badString(schema));
  if (types.includes('integer') || types.includes('number')) here.push(...badNumber(schema, base));

  if (types.includes('object') && base !== null && typeof base === 'object' && !Array.isArray(base)) {
    const record = base as Record<string, unknown>;
    for (const name of schema.required ?? []) {
      if (name in record) {
        here.push(fc.constant({ value: Object.fromEntries(Object.entries(record).filter(([k]) => k !== name)), defect: `missing ${name}` }));
      }
    }
    if (schema.additionalProperties === false) {
      const known = new Set(Object.keys(schema.properties ?? {}));
      here.push(
        fc
          .tuple(fc.oneof(fc.constantFrom('admin', 'role', 'userId', 'constructor', 'version', ' id', 'ID'), anyText(12)), fc.oneof(fc.boolean(), fc.integer(), anyText(8)))
          .filter(([key]) => !known.has(key) && key !== '__proto__')
          .map(([key, extra]) => ({ value: { ...record, [key]: extra }, defect: `extra field ${JSON.stringify(key)}` })),
      );
    }
    for (const [name, propSchema] of Object.entries(schema.properties ?? {})) {
      if (!(name in record)) continue;
      const inner = invalidVariant(propSchema, record[name], `${path}.${name}`);
      if (inner) here.push(inner.map((d) => ({ value: { ...record, [name]: d.value }, defect: d.defect })));
    }
  }

  if (types.includes('array') && Array.isArray(base)) {
    const itemSchema = schema.items;
    if (schema.maxItems !== undefined && itemSchema) {
      const max = schema.maxItems;
      const filler = base[0] ?? exampleOf(itemSchema);
      here.push(fc.constant({ value: Array.from({ length: max + 1 }, () => filler), defect: `more than ${max} items` }));
    }
    if (itemSchema && base.length > 0) {
      const inner = invalidVariant(itemSchema, base[0], `${path}[0]`);
      if (inner) here.push(inner.map((d) => ({ value: [d.value, ...base.slice(1)], defect: d.defect })));
    }
  }
  if (here.length === 0) return null;
  return fc.oneof(...here).map((d) => (d.defect.startsWith('$') ? d : { ...d, defect: `${path}: ${d.defect}` }));
}

/** A value valid under `schema`, for routes no recipe describes: the corpus mutates it. */
export function exampleOf(schema: JsonSchema): unknown {
  const types = typesOf(schema);
  if (schema.enum?.length) return schema.enum[0];
  if (types.includes('object')) {
    const out: Record<string, unknown> = {};
    for (const name of schema.required ?? []) {
      const prop = schema.properties?.[name];
      if (prop) out[name] = exampleOf(prop);
    }
    return out;
  }
  if (types.includes('array')) return [];
  if (types.includes('string')) {
    const id = ulid();
    if (schema.pattern && new RegExp(schema.pattern, 'u').test(id)) return id;
    if (schema.format === 'date-time') return new Date().toISOString();
    if (schema.format === 'email') return 'someone@test.example';
    return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }
  if (types.includes('integer') || types.includes('number')) return schema.minimum ?? 0;
  if (types.includes('boolean')) return false;
  return null;
}

/** Valid text at a length limit: BMP only (one code unit each, so every way of counting agrees), NUL and bidi marks included. */
const longestText = (length: number): string => 'ë\u0000\u202ex'.repeat(Math.ceil(length / 4)).slice(0, length);

/**
 * Values that are valid but extreme, one field at a time: each number at its minimum and maximum,
 * each free-text string and each list at its longest. A server must not fail on what its own
 * schema allows (a database column narrower than the schema's number, say). Null when none apply.
 */
export function extremeVariant(schema: JsonSchema, base: unknown, path = '$'): fc.Arbitrary<Defect> | null {
  const types = typesOf(schema);
  const here: fc.Arbitrary<Defect>[] = [];
  if (types.includes('integer') || types.includes('number')) {
    const bounds = [schema.minimum, schema.maximum].filter((b): b is number => b !== undefined);
    if (bounds.length > 0) here.push(fc.constantFrom(...bounds).map((value) => ({ value, defect: `${path} = ${value}` })));
  }
  const freeText = schema.pattern === undefined && schema.format === undefined && schema.enum === undefined;
  if (types.includes('string') && freeText && schema.maxLength !== undefined) {
    const max = schema.maxLength;
    here.push(fc.constant({ value: longestText(max), defect: `${path}: ${max} characters` }));
  }
  if (types.includes('array') && Array.isArray(base)) {
    if (schema.maxItems !== undefined && base.length > 0) {
      const max = schema.maxItems;
      here.push(fc.constant({ value: Array.from({ length: max }, () => base[0]), defect: `${path}: ${max} items` }));
    }
    if (schema.items && base.length > 0) {
      const inner = extremeVariant(schema.items, base[0], `${path}[0]`);
      if (inner) here.push(inner.map((d) => ({ value: [d.value, ...base.slice(1)], defect: d.defect })));
    }
  }
  if (types.includes('object') && base !== null && typeof base === 'object' && !Array.isArray(base)) {
    const record = base as Record<string, unknown>;
    for (const [name, propSchema] of Object.entries(schema.properties ?? {})) {
      if (!(name in record) || record[name] === null) continue;
      const inner = extremeVariant(propSchema, record[name], `${path}.${name}`);
      if (inner) here.push(inner.map((d) => ({ value: { ...record, [name]: d.value }, defect: d.defect })));
    }
  }
  return here.length > 0 ? fc.oneof(...here) : null;
}
