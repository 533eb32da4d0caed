// An exact JSON reader with Python's json.loads semantics: ints stay exact
// (bigint), floats stay floats, dict key order and duplicate-key behaviour are
// Python's, NaN/Infinity/-Infinity are accepted, and errors carry the same
// message Python's JSONDecodeError prints ("Expecting value: line 1 column 5 (char 4)").
import type { PyDict, PyValue } from './value';

/** json.loads failed the way Python's JSONDecodeError (or its RecursionError/ValueError) would. */
export class JsonDecodeError extends Error {
  constructor(
    readonly msg: string,
    readonly pos: number, // in code points, as Python counts
    readonly lineno: number,
    readonly colno: number,
    /** JSONDecodeError is what the reference catches; the others escape as a traceback. */
    readonly pyType: 'JSONDecodeError' | 'RecursionError' | 'ValueError' = 'JSONDecodeError',
  ) {
    super(pyType === 'JSONDecodeError' ? `${msg}: line ${lineno} column ${colno} (char ${pos})` : msg);
  }
}

/**
 * Containers json.loads can nest before CPython's recursion limit (1000) stops
 * it, measured with the reference loading an event line (python3.11: 993 ok, 994 not).
 */
export const PYTHON_MAX_NESTING = 993;
/** sys.get_int_max_str_digits() default since Python 3.11. */
export const PYTHON_INT_MAX_STR_DIGITS = 4300;

const WS = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const DIGIT = (c: number): boolean => c >= 0x30 && c <= 0x39;

function codePointIndex(s: string, unitIndex: number): number {
  let n = unitIndex;
  for (let i = 0; i < unitIndex - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

class StopIteration {
  constructor(readonly idx: number) {}
}

class Reader {
  private depth = 0;
  constructor(
    private readonly s: string,
    private readonly maxNesting: number,
  ) {}

  fail(msg: string, unitPos: number, pyType: JsonDecodeError['pyType'] = 'JSONDecodeError'): never {
    const s = this.s;
    const pos = codePointIndex(s, unitPos);
    const lastNl = s.lastIndexOf('\n', unitPos - 1);
    let lineno = 1;
    for (let i = s.indexOf('\n'); i !== -1 && i < unitPos; i = s.indexOf('\n', i + 1)) lineno++;
    const colno = lastNl === -1 || unitPos === 0 ? pos + 1 : pos - codePointIndex(s, lastNl);
    throw new JsonDecodeError(msg, pos, lineno, colno, pyType);
  }

  skipWs(i: number): number {
    const s = this.s;
    while (i < s.length && WS(s.charCodeAt(i))) i++;
    return i;
  }

  /** scan_once: the value at i, and the index after it. */
  value(i: number): [PyValue, number] {
    const s = this.s;
    if (i >= s.length) throw new StopIteration(i);
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22: // "
        return this.string(i + 1);
      case 0x7b: // {
        return this.nested(() => this.object(i + 1), 'object');
      case 0x5b: // [
        return this.nested(() => this.array(i + 1), 'array');
      case 0x6e: // n
        if (s.startsWith('null', i)) return [null, i + 4];
        break;
      case 0x74: // t
        if (s.startsWith('true', i)) return [true, i + 4];
        break;
      case 0x66: // f
        if (s.startsWith('false', i)) return [false, i + 5];
        break;
      case 0x4e: // N
        if (s.startsWith('NaN', i)) return [NaN, i + 3];
        break;
      case 0x49: // I
        if (s.startsWith('Infinity', i)) return [Infinity, i + 8];
        break;
      case 0x2d: // -
        if (s.startsWith('-Infinity', i)) return [-Infinity, i + 9];
        break;
    }
    return this.number(i);
  }

  nested(parse: () => [PyValue, number], what: string): [PyValue, number] {
    if (++this.depth > this.maxNesting) {
      this.fail(`maximum recursion depth exceeded while decoding a JSON ${what} from a unicode string`, 0, 'RecursionError');
    }
    const r = parse();
    this.depth--;
    return r;
  }

  number(start: number): [PyValue, number] {
    const s = this.s;
    const end = s.length - 1;
    let i = start;
    if (s.charCodeAt(i) === 0x2d) {
      i++;
      if (i > end) throw new StopIteration(start);
    }
    const c = s.charCodeAt(i);
    if (c >= 0x31 && c <= 0x39) {
      i++;
      while (i <= end && DIGIT(s.charCodeAt(i))) i++;
    } else if (c === 0x30) i++;
    else throw new StopIteration(start);
    let isFloat = false;
    if (i < end && s.charCodeAt(i) === 0x2e && DIGIT(s.charCodeAt(i + 1))) {
      isFloat = true;
      i += 2;
      while (i <= end && DIGIT(s.charCodeAt(i))) i++;
    }
    if (i < end && (s.charCodeAt(i) === 0x65 || s.charCodeAt(i) === 0x45)) {
      const eStart = i;
      i++;
      if (i < end && (s.charCodeAt(i) === 0x2d || s.charCodeAt(i) === 0x2b)) i++;
      while (i <= end && DIGIT(s.charCodeAt(i))) i++;
      if (DIGIT(s.charCodeAt(i - 1))) isFloat = true;
      else i = eStart;
    }
    const text = s.slice(start, i);
    if (isFloat) return [Number(text), i];
    const digits = text.charCodeAt(0) === 0x2d ? text.length - 1 : text.length;
    if (digits > PYTHON_INT_MAX_STR_DIGITS) {
      this.fail(
        `Exceeds the limit (${PYTHON_INT_MAX_STR_DIGITS} digits) for integer string conversion: value has ${digits} digits; use sys.set_int_max_str_digits() to increase the limit`,
        start,
        'ValueError',
      );
    }
    return [BigInt(text), i];
  }

  hex4(at: number, errAt: number): number {
    const t = this.s.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(t)) this.fail('Invalid \\uXXXX escape', errAt);
    return parseInt(t, 16);
  }

  /** scanstring: `end` is just past the opening quote. */
  string(end: number): [string, number] {
    const s = this.s;
    const len = s.length;
    const begin = end - 1;
    let out = '';
    for (;;) {
      let next = end;
      let c = 0;
      for (; next < len; next++) {
        c = s.charCodeAt(next);
        if (c === 0x22 || c === 0x5c) break;
        if (c <= 0x1f) this.fail('Invalid control character at', next);
      }
      if (next >= len) this.fail('Unterminated string starting at', begin);
      out += s.slice(end, next);
      next++;
      if (c === 0x22) return [out, next];
      if (next === len) this.fail('Unterminated string starting at', begin);
      c = s.charCodeAt(next);
      if (c !== 0x75) {
        end = next + 1;
        const simple = ESCAPES[c];
        if (simple === undefined) this.fail('Invalid \\escape', end - 2);
        out += simple;
        continue;
      }
      next++;
      end = next + 4;
      if (end >= len) this.fail('Invalid \\uXXXX escape', next - 1);
      const u = this.hex4(next, end - 5);
      next = end;
      if (u >= 0xd800 && u <= 0xdbff && end + 6 < len && s.charCodeAt(next) === 0x5c && s.charCodeAt(next + 1) === 0x75) {
        const u2 = this.hex4(next + 2, end + 6 - 5);
        if (u2 >= 0xdc00 && u2 <= 0xdfff) {
          out += String.fromCharCode(u, u2);
          end += 6;
          continue;
        }
      }
      out += String.fromCharCode(u);
    }
  }

  object(i: number): [PyDict, number] {
    const s = this.s;
    const dict: PyDict = new Map();
    i = this.skipWs(i);
    if (i >= s.length || s.charCodeAt(i) !== 0x7d) {
      for (;;) {
        if (i >= s.length || s.charCodeAt(i) !== 0x22) this.fail('Expecting property name enclosed in double quotes', i);
        const [key, afterKey] = this.string(i + 1);
        i = this.skipWs(afterKey);
        if (i >= s.length || s.charCodeAt(i) !== 0x3a) this.fail("Expecting ':' delimiter", i);
        i = this.skipWs(i + 1);
        const [val, afterVal] = this.value(i);
        dict.set(key, val);
        i = this.skipWs(afterVal);
        if (i < s.length && s.charCodeAt(i) === 0x7d) break;
        if (i >= s.length || s.charCodeAt(i) !== 0x2c) this.fail("Expecting ',' delimiter", i);
        i = this.skipWs(i + 1);
      }
    }
    return [dict, i + 1];
  }

  array(i: number): [PyValue[], number] {
    const s = this.s;
    const list: PyValue[] = [];
    i = this.skipWs(i);
    if (i >= s.length || s.charCodeAt(i) !== 0x5d) {
      for (;;) {
        const [val, after] = this.value(i);
        list.push(val);
        i = this.skipWs(after);
        if (i < s.length && s.charCodeAt(i) === 0x5d) break;
        if (i >= s.length || s.charCodeAt(i) !== 0x2c) this.fail("Expecting ',' delimiter", i);
        i = this.skipWs(i + 1);
      }
    }
    return [list, i + 1];
  }
}

const ESCAPES: Record<number, string> = {
  0x22: '"',
  0x5c: '\\',
  0x2f: '/',
  0x62: '\b',
  0x66: '\f',
  0x6e: '\n',
  0x72: '\r',
  0x74: '\t',
};

/** Python's json.loads(text). Throws JsonDecodeError with Python's message. */
export function pyJsonLoads(text: string, maxNesting = PYTHON_MAX_NESTING): PyValue {
  const r = new Reader(text, maxNesting);
  if (text.charCodeAt(0) === 0xfeff) r.fail('Unexpected UTF-8 BOM (decode using utf-8-sig)', 0);
  const start = r.skipWs(0);
  let value: PyValue;
  let end: number;
  try {
    [value, end] = r.value(start);
  } catch (e) {
    if (e instanceof StopIteration) r.fail('Expecting value', e.idx);
    throw e;
  }
  end = r.skipWs(end);
  if (end !== text.length) r.fail('Extra data', end);
  return value;
}
