// Python's text forms of json.loads values, as the reference report prints
// them: repr() in the divergence line, str() in f-strings, and
// json.dumps(sort_keys=True) for the raw events.
import { NON_PRINTABLE_RANGES } from './nonPrintableRanges';
import { PyError, pyStrCompare, type PyValue } from './value';

/** Python's repr(float): shortest round-trip digits, Python's switch to exponent form. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const digits = mantissa!.replace('.', '');
  const decpt = Number(exp) + 1; // value = 0.DIGITS × 10^decpt
  if (decpt <= -4 || decpt > 16) {
    const e = decpt - 1;
    const frac = digits.length > 1 ? '.' + digits.slice(1) : '';
    const ee = Math.abs(e) < 10 ? '0' + Math.abs(e) : String(Math.abs(e));
    return `${sign}${digits[0]}${frac}e${e < 0 ? '-' : '+'}${ee}`;
  }
  if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

function isPrintable(cp: number): boolean {
  // Binary search in the sorted inclusive ranges of non-printable code points.
  let lo = 0;
  let hi = NON_PRINTABLE_RANGES.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < NON_PRINTABLE_RANGES[2 * mid]!) hi = mid - 1;
    else if (cp > NON_PRINTABLE_RANGES[2 * mid + 1]!) lo = mid + 1;
    else return false;
  }
  return true;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Python's repr(str). */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (cp < 0x7f || isPrintable(cp)) out += ch;
    else if (cp <= 0xff) out += '\\x' + hex(cp, 2);
    else if (cp <= 0xffff) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out + quote;
}

/** sys.get_int_max_str_digits()'s default: Python refuses to print an int of more decimal digits. */
export const INT_MAX_STR_DIGITS = 4300;

/**
 * Python's str(int) (and repr, f-strings, json.dumps): decimal, or the
 * ValueError Python raises for more than 4300 digits (the sign not counted).
 * A log cannot hold such an int (json.loads refuses to read one), but a
 * --tid-map value in hex, octal or binary can (int(x, 0) limits only decimal
 * text).
 */
export function intStr(v: bigint): string {
  const s = v.toString();
  if (s.length - (v < 0n ? 1 : 0) > INT_MAX_STR_DIGITS) {
    throw new PyError(
      'ValueError',
      `Exceeds the limit (${INT_MAX_STR_DIGITS} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit`,
    );
  }
  return s;
}

/** Python's repr() of a json.loads value. */
export function pyRepr(v: PyValue | undefined): string {
  if (v === undefined || v === null) return 'None';
  switch (typeof v) {
    case 'boolean':
      return v ? 'True' : 'False';
    case 'bigint':
      return intStr(v);
    case 'number':
      return floatRepr(v);
    case 'string':
      return strRepr(v);
  }
  if (Array.isArray(v)) return '[' + v.map((x) => pyRepr(x)).join(', ') + ']';
  const parts: string[] = [];
  for (const [k, x] of v) parts.push(`${strRepr(k)}: ${pyRepr(x)}`);
  return '{' + parts.join(', ') + '}';
}

/** Python's str() (what an f-string prints): a string as itself, anything else as repr. */
export function pyStr(v: PyValue | undefined): string {
  return typeof v === 'string' ? v : pyRepr(v);
}

/** json.dumps' ASCII-only string literal. */
export function jsonStringAscii(s: string): string {
  let out = '"';
  let run = 0; // start of the pending run of characters that need no escape
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(run, i);
    run = i + 1;
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x08:
        out += '\\b';
        break;
      case 0x0c:
        out += '\\f';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      default:
        out += '\\u' + hex(c, 4); // UTF-16 units: astral characters come out as surrogate pairs, as in Python
    }
  }
  return out + s.slice(run) + '"';
}

function jsonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return floatRepr(x);
}

/** json.dumps' string literal without ensure_ascii: only quotes, backslashes and control characters escaped. */
function jsonStringUnicode(s: string): string {
  return (
    '"' +
    // eslint-disable-next-line no-control-regex -- json.dumps escapes exactly these control characters
    s.replace(/[\\"\u0000-\u001f]/g, (c) => {
      switch (c) {
        case '"':
          return '\\"';
        case '\\':
          return '\\\\';
        case '\n':
          return '\\n';
        case '\r':
          return '\\r';
        case '\t':
          return '\\t';
        case '\b':
          return '\\b';
        case '\f':
          return '\\f';
        default:
          return '\\u' + hex(c.charCodeAt(0), 4);
      }
    }) +
    '"'
  );
}

export interface JsonDumpsOptions {
  sortKeys?: boolean;
  /** Escape everything outside ASCII (Python's default). */
  ensureAscii?: boolean;
  /** Spaces per level; with it, items go one per line (separators ',' and ': '). */
  indent?: number;
  /** 'python' (default): NaN, Infinity, -Infinity as Python writes them; 'tagged': {"$float": "NaN"}, strict JSON. */
  nonFinite?: 'python' | 'tagged';
}

/** Python's json.dumps(v, sort_keys=…, ensure_ascii=…, indent=…). */
export function jsonDumps(v: PyValue | undefined, opts: JsonDumpsOptions = {}, level = 0): string {
  if (v === undefined || v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return intStr(v);
    case 'number':
      return opts.nonFinite === 'tagged' && !Number.isFinite(v) ? `{"$float": "${jsonFloat(v)}"}` : jsonFloat(v);
    case 'string':
      return opts.ensureAscii === false ? jsonStringUnicode(v) : jsonStringAscii(v);
  }
  const ind = opts.indent;
  const open = ind === undefined ? '' : '\n' + ' '.repeat(ind * (level + 1));
  const close = ind === undefined ? '' : '\n' + ' '.repeat(ind * level);
  const sep = ind === undefined ? ', ' : ',' + open;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return '[' + open + v.map((x) => jsonDumps(x, opts, level + 1)).join(sep) + close + ']';
  }
  if (v.size === 0) return '{}';
  const keys = opts.sortKeys ? [...v.keys()].sort(pyStrCompare) : [...v.keys()];
  const key = (k: string): string => (opts.ensureAscii === false ? jsonStringUnicode(k) : jsonStringAscii(k));
  return '{' + open + keys.map((k) => `${key(k)}: ${jsonDumps(v.get(k), opts, level + 1)}`).join(sep) + close + '}';
}

/** json.dumps(v, sort_keys=True) with the default separators and ensure_ascii. */
export function jsonDumpsSorted(v: PyValue | undefined): string {
  return jsonDumps(v, { sortKeys: true });
}

/**
 * A JSON text that Lockstep's own parser reads back to the same value (ints
 * stay ints, floats stay floats, key order and NaN kept). Used to store values
 * in the index and to write generated logs.
 */
export function jsonDumpsExact(v: PyValue | undefined): string {
  if (v === undefined || v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      return jsonFloat(v);
    case 'string':
      return JSON.stringify(v);
  }
  if (Array.isArray(v)) return '[' + v.map((x) => jsonDumpsExact(x)).join(',') + ']';
  const parts: string[] = [];
  for (const [k, x] of v) parts.push(`${JSON.stringify(k)}:${jsonDumpsExact(x)}`);
  return '{' + parts.join(',') + '}';
}
