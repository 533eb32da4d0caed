// Python values as `json.loads` produces them, so that Lockstep can apply the
// reference tool's semantics (Python `==`, `repr`, `json.dumps`) exactly.
//
//   None -> null      bool -> boolean    int -> bigint (exact at any size)
//   float -> number   str -> string      list -> PyValue[]
//   dict -> PyDict (a Map: insertion order kept, a repeated key keeps its
//                   first position and takes the last value, as a dict does)
export type PyValue = null | boolean | bigint | number | string | PyValue[] | PyDict;
export type PyDict = Map<string, PyValue>;

/** A Python exception the reference would raise (and die of, with exit status 1). */
export class PyError extends Error {
  constructor(
    readonly pyType: 'TypeError' | 'KeyError' | 'AttributeError' | 'ValueError' | 'UnicodeEncodeError',
    message: string,
  ) {
    super(`${pyType}: ${message}`);
  }
}

export function isDict(v: PyValue | undefined): v is PyDict {
  return v instanceof Map;
}

export function pyTypeName(v: PyValue | undefined): string {
  if (v === undefined || v === null) return 'NoneType';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'str';
  }
  return Array.isArray(v) ? 'list' : 'dict';
}

type Numeric = boolean | bigint | number;
function isNumeric(v: PyValue): v is Numeric {
  const t = typeof v;
  return t === 'bigint' || t === 'number' || t === 'boolean';
}

function asIntOrFloat(v: Numeric): bigint | number {
  return typeof v === 'boolean' ? (v ? 1n : 0n) : v;
}

/** Python's `a == b` for numbers: int/float comparison is exact, never through a rounded double. */
function numericEq(a: Numeric, b: Numeric): boolean {
  const x = asIntOrFloat(a);
  const y = asIntOrFloat(b);
  if (typeof x === 'bigint' && typeof y === 'bigint') return x === y;
  if (typeof x === 'number' && typeof y === 'number') return x === y;
  const f = (typeof x === 'number' ? x : y) as number;
  const i = (typeof x === 'bigint' ? x : y) as bigint;
  return Number.isInteger(f) && BigInt(f) === i;
}

/** Python's `a < b` (negative), `a == b` (0), `a > b` (positive) for numbers; NaN compares false both ways. */
function numericCompare(a: Numeric, b: Numeric): number {
  const x = asIntOrFloat(a);
  const y = asIntOrFloat(b);
  if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
  if (typeof x === 'bigint' && typeof y === 'bigint') return x < y ? -1 : x > y ? 1 : 0;
  const f = (typeof x === 'number' ? x : y) as number;
  const i = (typeof x === 'bigint' ? x : y) as bigint;
  let c: number; // compare f with i
  if (Number.isNaN(f)) return NaN;
  if (f === Infinity) c = 1;
  else if (f === -Infinity) c = -1;
  else {
    const fl = BigInt(Math.floor(f));
    c = fl < i ? -1 : fl > i ? 1 : Number.isInteger(f) ? 0 : 1;
  }
  return typeof x === 'number' ? c : -c;
}

/**
 * Python's `a == b` on json.loads values. `nested` is true inside a list or
 * dict, where CPython tries identity first: every NaN json.loads makes is the
 * same object, so `[NaN] == [NaN]` holds while `NaN == NaN` does not.
 */
export function pyEq(a: PyValue | undefined, b: PyValue | undefined, nested = false): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (nested && typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === null || b === null) return a === b;
  if (isNumeric(a)) return isNumeric(b) && numericEq(a, b);
  if (typeof a === 'string') return a === b;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pyEq(a[i], b[i], true)) return false;
    return true;
  }
  if (!isDict(b) || a.size !== b.size) return false;
  for (const [k, v] of a) {
    if (!b.has(k) || !pyEq(v, b.get(k), true)) return false;
  }
  return true;
}

function codePointCompare(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

/** Python's string order (by code point; JavaScript's `<` orders by UTF-16 unit). */
export function pyStrCompare(a: string, b: string): number {
  return codePointCompare(a, b);
}

/** `a OP b` for OP in `<`, `<=` (list comparison applies OP to the first unequal items). */
function compareWith(a: PyValue | undefined, b: PyValue | undefined, op: '<' | '<='): number {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a !== null && b !== null) {
    if (isNumeric(a) && isNumeric(b)) return numericCompare(a, b);
    if (typeof a === 'string' && typeof b === 'string') return codePointCompare(a, b);
    if (Array.isArray(a) && Array.isArray(b)) {
      const n = Math.min(a.length, b.length);
      for (let i = 0; i < n; i++) {
        if (!pyEq(a[i], b[i], true)) return compareWith(a[i], b[i], op);
      }
      return a.length - b.length;
    }
  }
  throw new PyError('TypeError', `'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/**
 * Python's ordering for `sorted()` and `<`: negative, 0 or positive. Throws
 * the TypeError Python raises for `a < b` on unorderable pairs (str with int,
 * None, dicts). Returns NaN where both `<` and `>` are false (NaN operands).
 */
export function pyCompare(a: PyValue | undefined, b: PyValue | undefined): number {
  return compareWith(a, b, '<');
}

/** Python's `a <= b`, TypeError included (worded with '<=', as Python words it). */
export function pyLe(a: PyValue | undefined, b: PyValue | undefined): boolean {
  const c = compareWith(a, b, '<=');
  return c <= 0; // NaN <= x is false, as in Python
}

/** Python's truthiness (`x or y`). */
export function pyTruthy(v: PyValue | undefined): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0; // NaN is truthy
    case 'string':
      return v.length > 0;
  }
  return Array.isArray(v) ? v.length > 0 : v.size > 0;
}

/**
 * A canonical spelling of a number such that two numbers are Python-equal
 * exactly when their spellings are equal: integral values (ints, bools and
 * integral floats) as exact decimal integers, other floats by their shortest
 * round-trip digits, and `inf`/`-inf`/`nan`.
 */
export function canonicalNumber(v: boolean | bigint | number): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'bigint') return v.toString();
  if (Number.isInteger(v)) return Number.isSafeInteger(v) ? String(v === 0 ? 0 : v) : BigInt(v).toString();
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return 'f' + String(v);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The string holds a surrogate that is not half of a pair (a JSON "\udcff"; UTF-8 cannot hold it). */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/**
 * The key Python's dict would file `v` under (`hash` + `==`): 1, 1.0 and True
 * are one key; "1" is another. Lists and dicts are unhashable: TypeError.
 * Keys are stored as SQLite TEXT (threads.tid_key), which is UTF-8 and would
 * turn a lone surrogate into U+FFFD (two tids into one): a string holding one
 * is keyed by its JSON text instead, which is ASCII there ('S' keeps the two
 * forms apart).
 */
export function pyHashKey(v: PyValue | undefined): string {
  if (v === undefined || v === null) return 'N';
  switch (typeof v) {
    case 'boolean':
    case 'bigint':
    case 'number':
      return 'n' + canonicalNumber(v);
    case 'string':
      return hasLoneSurrogate(v) ? 'S' + JSON.stringify(v) : 's' + v;
  }
  throw new PyError('TypeError', `unhashable type: '${pyTypeName(v)}'`);
}
