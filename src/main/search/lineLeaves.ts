// The leaves of one event's line, as the search index files them: every
// string, number, true/false/null (and empty {} or []) with the path that
// leads to it (payload.args_resolved.a1, payload.blob[*]) and its token exactly
// as written in the line. Written for the search index's one pass over a log,
// rather than json.loads and a walk: the raw token is what the text search
// matches, and what `==` needs of a number (its exact digits) is in it.
//
// The line is a JSON object the reference's loader accepted (ingest checked
// it): NaN, Infinity and -Infinity may appear, as Python reads them; a key
// repeated in one object keeps its last value, as a Python dict does.
import { appendKey } from '../../shared/searchQuery';

export const TOKEN_STRING = 0;
export const TOKEN_NUMBER = 1;
/** true, false, null, NaN, Infinity, -Infinity. */
export const TOKEN_LITERAL = 2;
/** {} or []: a key whose value has no leaves is still there to be found. */
export const TOKEN_EMPTY = 3;

/** Paths deeper than this are not filed: the event's segment is searched by reading it. */
const MAX_PATH_DEPTH = 32;

export interface LeafSink {
  /**
   * A leaf. `path` is the canonical path of decoded keys (shared/searchQuery
   * pathText); `keys` the raw key texts along it (a live array: copy it to keep
   * it); `escaped`: one of them holds an escape (its raw text is not the key).
   */
  leaf(path: string, keys: readonly string[], escaped: boolean, token: number, raw: string): void;
  /**
   * A key repeated in one object: the leaves this event gave from the
   * `from`-th to before the `to`-th (counted from 0 in the event) were its
   * earlier value, and are void.
   */
  retract(from: number, to: number): void;
  /** The line holds what the index does not file (too deep): it must be read to be searched. */
  overflow(): void;
}

class LineError extends Error {}

const decodeKey = (raw: string): string => (raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw);

/** Child paths already spelled (a log has few distinct paths; spelling one costs a regex test). */
const childPaths = new Map<string, Map<string, string>>();

function childPath(path: string, key: string): string {
  let byKey = childPaths.get(path);
  if (!byKey) {
    if (childPaths.size > 10_000) childPaths.clear(); // a log of ever-new keys: keep it bounded
    childPaths.set(path, (byKey = new Map()));
  }
  let p = byKey.get(key);
  if (p === undefined) {
    p = appendKey(path, key);
    if (byKey.size < 1000) byKey.set(key, p);
  }
  return p;
}

/** Walks one line, calling the sink for each leaf. Throws on text that is not JSON (a changed log). */
export function scanLeaves(line: string, sink: LeafSink): void {
  const s = line;
  const n = s.length;
  let i = 0;
  const keys: string[] = [];
  let escaped = 0;
  let leaves = 0;
  const leaf = (path: string, token: number, raw: string): void => {
    sink.leaf(path, keys, escaped > 0, token, raw);
    leaves++;
  };

  const ws = (): void => {
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else return;
    }
  };

  /** The raw text of the string whose opening quote is at i; i moves past the closing quote. */
  const rawString = (): string => {
    const start = i + 1;
    let j = start;
    for (;;) {
      const q = s.indexOf('"', j);
      if (q < 0) throw new LineError('a string is not closed');
      let k = q - 1;
      while (k >= start && s.charCodeAt(k) === 92) k--;
      if ((q - 1 - k) % 2 === 0) {
        i = q + 1;
        return s.slice(start, q);
      }
      j = q + 1;
    }
  };

  const value = (path: string, depth: number): void => {
    ws();
    const c = s.charCodeAt(i);
    if (c === 34 /* " */) {
      leaf(path, TOKEN_STRING, rawString());
      return;
    }
    if (c === 123 /* { */) return object(path, depth + 1);
    if (c === 91 /* [ */) return array(path, depth + 1);
    const word =
      c === 116
        ? 'true'
        : c === 102
          ? 'false'
          : c === 110
            ? 'null'
            : c === 78
              ? 'NaN'
              : c === 73
                ? 'Infinity'
                : c === 45 && s.charCodeAt(i + 1) === 73
                  ? '-Infinity'
                  : null;
    if (word !== null) {
      if (!s.startsWith(word, i)) throw new LineError(`unexpected ${JSON.stringify(s.slice(i, i + 10))}`);
      i += word.length;
      leaf(path, TOKEN_LITERAL, word);
      return;
    }
    const start = i;
    for (;;) {
      const d = s.charCodeAt(i);
      // digits, - + . e E
      if ((d >= 48 && d <= 57) || d === 45 || d === 43 || d === 46 || d === 101 || d === 69) i++;
      else break;
    }
    if (i === start) throw new LineError(`unexpected ${JSON.stringify(s[i] ?? 'end')}`);
    leaf(path, TOKEN_NUMBER, s.slice(start, i));
  };

  const object = (path: string, depth: number): void => {
    i++; // {
    ws();
    if (s.charCodeAt(i) === 125 /* } */) {
      i++;
      if (path !== '') leaf(path, TOKEN_EMPTY, '{}');
      return;
    }
    const tooDeep = depth > MAX_PATH_DEPTH;
    if (tooDeep) sink.overflow();
    // Each key's leaves (from, to): a repeated key voids its earlier value's, as a Python dict keeps the last.
    const seen: string[] = [];
    const spans: number[] = [];
    for (;;) {
      ws();
      if (s.charCodeAt(i) !== 34) throw new LineError('a key is not a string');
      const raw = rawString();
      const key = decodeKey(raw);
      const child = tooDeep ? path : childPath(path, key);
      const earlier = seen.indexOf(key);
      if (earlier >= 0) sink.retract(spans[2 * earlier]!, spans[2 * earlier + 1]!);
      ws();
      if (s.charCodeAt(i) !== 58 /* : */) throw new LineError('a key has no value');
      i++;
      const esc = raw.includes('\\') ? 1 : 0;
      keys.push(raw);
      escaped += esc;
      const from = leaves;
      if (tooDeep) skipValue();
      else value(child, depth);
      keys.pop();
      escaped -= esc;
      if (earlier >= 0) {
        spans[2 * earlier] = from;
        spans[2 * earlier + 1] = leaves;
      } else {
        seen.push(key);
        spans.push(from, leaves);
      }
      ws();
      const c = s.charCodeAt(i);
      i++;
      if (c === 44 /* , */) continue;
      if (c === 125 /* } */) return;
      throw new LineError('an object is not closed');
    }
  };

  const array = (path: string, depth: number): void => {
    i++; // [
    ws();
    if (s.charCodeAt(i) === 93 /* ] */) {
      i++;
      leaf(path, TOKEN_EMPTY, '[]');
      return;
    }
    const tooDeep = depth > MAX_PATH_DEPTH;
    if (tooDeep) sink.overflow();
    const itemPath = path + '[*]';
    for (;;) {
      if (tooDeep) skipValue();
      else value(itemPath, depth);
      ws();
      const c = s.charCodeAt(i);
      i++;
      if (c === 44) continue;
      if (c === 93) return;
      throw new LineError('a list is not closed');
    }
  };

  /** Past one value without filing it (below MAX_PATH_DEPTH). */
  const skipValue = (): void => {
    ws();
    const c = s.charCodeAt(i);
    if (c === 34) {
      rawString();
      return;
    }
    if (c !== 123 && c !== 91) {
      while (i < n && !',}] \t\r\n'.includes(s[i]!)) i++;
      return;
    }
    let depth = 0;
    while (i < n) {
      const d = s.charCodeAt(i);
      if (d === 34) {
        rawString();
        continue;
      }
      i++;
      if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) return;
      }
    }
    throw new LineError('a value is not closed');
  };

  ws();
  if (s.charCodeAt(i) !== 123) throw new LineError('the line is not a JSON object');
  object('', 0);
  ws();
  if (i !== n) throw new LineError('text after the object');
}

/** The line is not JSON: it cannot be what was indexed. */
export function isLineError(e: unknown): boolean {
  return e instanceof LineError;
}
