// The find box's query language, parsed the same way on both sides of the
// contract: the page checks what is typed as it is typed (a bad regex is said
// at once, without a round trip), the core parses it again before it searches.
//
//   kind:kernel.return            the event's kind (shorthand for kind=kernel.return)
//   name:NtReadFile               payload.name (shorthand for payload.name=NtReadFile)
//   payload.status=0xC0000034     a field's value; nested paths (payload.args_resolved.a1),
//   payload.blob[3]=7             list items ([*]: any item), ["odd key"] for keys that are
//   payload.status!=0             not plain words; != : the field is there and differs
//   NtCreate                      text anywhere in the event's line, case-insensitive
//   "file not found"              a quoted phrase (JSON string escapes)
//   /Nt(Read|Write)File/i         a JavaScript regular expression over the event's line
//
// Terms separated by spaces must all hold. Values: true, false, null, numbers
// (JSON numbers and Python's int(x, 0) forms: 0x1F, 0o17, 0b101, 1_000) and
// strings (bare words, or quoted). docs/search.md says how values compare.

/** A value a field is compared with. */
export type QueryValue =
  | { type: 'string'; value: string }
  /** An integer, exact at any size: its decimal digits with the sign. */
  | { type: 'int'; digits: string }
  | { type: 'float'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'null' };

/** One step of a field's path: a key, a list index, or any item of a list. */
export type PathStep = { key: string } | { index: number } | { anyItem: true };

export type QueryTerm =
  | { type: 'field'; path: PathStep[]; op: '=' | '!='; value: QueryValue; text: string }
  | { type: 'text'; needle: string; text: string }
  | { type: 'regex'; pattern: string; flags: string; text: string };

export type ParsedQuery = { ok: true; terms: QueryTerm[]; text: string } | { ok: false; message: string; at: number };

/** Longest query the contract carries. */
export const MAX_QUERY_LENGTH = 2000;

const BARE_KEY = /^[A-Za-z0-9_$-]+$/;

/** The canonical spelling of a path (what the index files a field under): payload.args_resolved.a1, payload.blob[*], x["a.b"]. */
export function pathText(steps: readonly PathStep[]): string {
  let out = '';
  for (const s of steps) {
    if ('key' in s) out = appendKey(out, s.key);
    else if ('index' in s) out += `[${s.index}]`;
    else out += '[*]';
  }
  return out;
}

/** A path and one more key, spelled as pathText spells it. */
export function appendKey(path: string, key: string): string {
  if (!BARE_KEY.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

function valueText(v: QueryValue): string {
  switch (v.type) {
    case 'string':
      return JSON.stringify(v.value);
    case 'int':
      return v.digits;
    case 'float':
      return String(v.value);
    case 'bool':
      return String(v.value);
    case 'null':
      return 'null';
  }
}

/** How a term is shown back (and what two equal queries share): canonical, whatever the spelling typed. */
function termText(t: QueryTerm): string {
  if (t.type === 'field') return `${pathText(t.path)}${t.op}${valueText(t.value)}`;
  if (t.type === 'text') return JSON.stringify(t.needle);
  return `/${t.pattern}/${t.flags}`;
}

class QueryError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const PY_FLOAT = /^[+-]?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))([eE][+-]?[0-9]+)?$/;
const PY_INT = /^[+-]?(0[xX](_?[0-9a-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+|[1-9](_?[0-9])*|0(_?0)*)$/;

/** A bare value: true/false/null, a number in JSON's or Python's int(x, 0) spelling, else a string. */
export function bareValue(text: string): QueryValue {
  if (text === 'true' || text === 'false') return { type: 'bool', value: text === 'true' };
  if (text === 'null') return { type: 'null' };
  if (JSON_NUMBER.test(text)) {
    if (/[.eE]/.test(text)) return { type: 'float', value: Number(text) };
    return { type: 'int', digits: BigInt(text).toString() };
  }
  if (PY_INT.test(text)) {
    const negative = text.startsWith('-');
    const body = text.replace(/^[+-]/, '').replace(/_/g, '');
    const n = BigInt(body); // BigInt reads 0x, 0o and 0b itself
    return { type: 'int', digits: (negative ? -n : n).toString() };
  }
  if (PY_FLOAT.test(text)) return { type: 'float', value: Number(text.replace(/^\+/, '')) };
  return { type: 'string', value: text };
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  /** A JSON string literal starting at i (the opening quote). */
  quoted(): string {
    const start = this.i;
    let j = start + 1;
    for (;;) {
      const q = this.s.indexOf('"', j);
      if (q < 0) throw new QueryError('a quote is not closed', start);
      let backslashes = 0;
      for (let k = q - 1; k > start && this.s[k] === '\\'; k--) backslashes++;
      if (backslashes % 2 === 0) {
        j = q;
        break;
      }
      j = q + 1;
    }
    this.i = j + 1;
    try {
      return JSON.parse(this.s.slice(start, j + 1)) as string;
    } catch {
      throw new QueryError(`${this.s.slice(start, j + 1)} is not a valid quoted string (JSON escapes: \\" \\\\ \\n \\u00e9)`, start);
    }
  }

  bare(): string {
    const start = this.i;
    while (this.i < this.s.length && !isSpace(this.s[this.i])) this.i++;
    return this.s.slice(start, this.i);
  }

  value(after: string): QueryValue {
    if (this.i >= this.s.length || isSpace(this.s[this.i])) throw new QueryError(`a value is missing after ${after}`, this.i);
    if (this.s[this.i] === '"') {
      const v = this.quoted();
      this.endOfTerm();
      return { type: 'string', value: v };
    }
    return bareValue(this.bare());
  }

  endOfTerm(): void {
    if (this.i < this.s.length && !isSpace(this.s[this.i])) throw new QueryError('put a space between two terms', this.i);
  }

  /** A path at i, or null when what follows is not one followed by =, == or !=. */
  fieldPath(): { steps: PathStep[]; op: '=' | '!=' } | null {
    const start = this.i;
    const steps: PathStep[] = [];
    const s = this.s;
    let i = start;
    const key = (): boolean => {
      const m = /^[A-Za-z0-9_$-]+/.exec(s.slice(i));
      if (!m) return false;
      steps.push({ key: m[0] });
      i += m[0].length;
      return true;
    };
    const bracket = (): boolean => {
      if (s[i] !== '[') return false;
      if (s[i + 1] === '*' && s[i + 2] === ']') {
        steps.push({ anyItem: true });
        i += 3;
        return true;
      }
      const m = /^\[([0-9]+)\]/.exec(s.slice(i));
      if (m) {
        steps.push({ index: Number(m[1]) });
        i += m[0].length;
        return true;
      }
      if (s[i + 1] === '"') {
        const p = new Parser(s);
        p.i = i + 1;
        let k: string;
        try {
          k = p.quoted();
        } catch {
          return false;
        }
        if (s[p.i] !== ']') return false;
        steps.push({ key: k });
        i = p.i + 1;
        return true;
      }
      return false;
    };
    if (!key() && !bracket()) return null;
    for (;;) {
      if (s[i] === '.') {
        i++;
        if (!key()) return null;
      } else if (!bracket()) break;
    }
    let op: '=' | '!=';
    if (s.startsWith('!=', i)) {
      op = '!=';
      i += 2;
    } else if (s.startsWith('==', i)) {
      op = '=';
      i += 2;
    } else if (s[i] === '=') {
      op = '=';
      i += 1;
    } else return null;
    this.i = i;
    return { steps, op };
  }

  regex(): QueryTerm {
    const start = this.i;
    const s = this.s;
    let j = start + 1;
    let inClass = false;
    for (; j < s.length; j++) {
      const c = s[j];
      if (c === '\\') j++;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
    }
    if (j >= s.length) throw new QueryError('a regular expression is not closed: end it with /', start);
    const pattern = s.slice(start + 1, j);
    if (pattern === '') throw new QueryError('an empty regular expression', start);
    this.i = j + 1;
    const flagsStart = this.i;
    while (this.i < s.length && /[a-z]/.test(s[this.i]!)) this.i++;
    const typed = s.slice(flagsStart, this.i);
    for (const f of typed) {
      if (!'imsuvdgy'.includes(f)) throw new QueryError(`/${pattern}/${typed}: unknown flag ${f} (i: ignore case, s: . matches newlines, m, u, v)`, flagsStart);
    }
    this.endOfTerm();
    // g and y make a RegExp remember where it stopped: meaningless for "does this line match".
    const flags = [...new Set(typed.replace(/[gyd]/g, ''))].sort().join('');
    try {
      new RegExp(pattern, flags);
    } catch (e) {
      // The engine's message repeats the pattern: "Invalid regular expression: /x(/: Unterminated group".
      const why = (e as Error).message.replace(`Invalid regular expression: /${pattern}/${flags}: `, '').replace(/^Invalid regular expression: /, '');
      throw new QueryError(`/${pattern}/${typed} is not a valid regular expression: ${why}`, start);
    }
    return { type: 'regex', pattern, flags, text: '' };
  }

  term(): QueryTerm {
    const s = this.s;
    const c = s[this.i];
    if (c === '/') return this.regex();
    if (c === '"') {
      const at = this.i;
      const needle = this.quoted();
      // "ord": 13 — a quote that does not end the term is part of a bare word, as JSON is typed.
      if (this.i < s.length && !isSpace(s[this.i])) {
        this.i = at;
        return { type: 'text', needle: this.bare(), text: '' };
      }
      if (needle === '') throw new QueryError('an empty quoted phrase', at);
      return { type: 'text', needle, text: '' };
    }
    for (const [prefix, path] of [
      ['kind:', [{ key: 'kind' }]],
      ['name:', [{ key: 'payload' }, { key: 'name' }]],
    ] as const) {
      if (s.startsWith(prefix, this.i)) {
        this.i += prefix.length;
        return { type: 'field', path: [...path], op: '=', value: this.value(prefix), text: '' };
      }
    }
    const at = this.i;
    const field = this.fieldPath();
    if (field) return { type: 'field', path: field.steps, op: field.op, value: this.value(s.slice(at, this.i)), text: '' };
    this.i = at;
    return { type: 'text', needle: this.bare(), text: '' };
  }
}

/** Parse what the find box holds. An empty query parses to no terms. */
export function parseQuery(text: string): ParsedQuery {
  if (text.length > MAX_QUERY_LENGTH) return { ok: false, message: `the query is longer than ${MAX_QUERY_LENGTH} characters`, at: MAX_QUERY_LENGTH };
  const p = new Parser(text);
  const terms: QueryTerm[] = [];
  try {
    for (;;) {
      while (isSpace(text[p.i])) p.i++;
      if (p.i >= text.length) break;
      const t = p.term();
      t.text = termText(t);
      terms.push(t);
    }
  } catch (e) {
    if (e instanceof QueryError) return { ok: false, message: e.message, at: e.at };
    throw e;
  }
  return { ok: true, terms, text: terms.map((t) => t.text).join(' ') };
}
