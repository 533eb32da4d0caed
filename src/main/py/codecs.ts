// Python's UTF-8 codec where it meets bytes that are not text: command-line
// arguments and paths (os.fsdecode: bytes that are not UTF-8 become lone
// surrogates U+DC80..U+DCFF, "surrogateescape"), and strings that hold lone
// surrogates on their way out (str.encode with an error handler). A JavaScript
// string holds lone surrogates as Python's str does, so a path or an argument
// is kept here exactly as the reference sees it, and turned back into its
// bytes only where it meets the file system or a stream.
import { hasLoneSurrogate, PyError } from './value';

/** The error handlers of str.encode that Lockstep may meet (PYTHONIOENCODING may name any). */
export type PyEncodeErrors = 'strict' | 'surrogateescape' | 'surrogatepass' | 'replace' | 'ignore' | 'backslashreplace' | 'xmlcharrefreplace' | 'namereplace';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The length of the well-formed UTF-8 sequence at `i` (Python's strict decoder: no overlongs, no surrogates, at most U+10FFFF), or 0. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => j < b.length && b[j]! >= lo && b[j]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/** bytes.decode('utf-8', 'surrogateescape'): what Python makes of a command-line argument or a file name. */
export function decodeSurrogateEscape(bytes: Uint8Array): string {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    // not UTF-8 throughout: escape byte by byte below
  }
  let out = '';
  let run = 0; // start of the pending well-formed run
  for (let i = 0; i < bytes.length;) {
    const n = sequenceLength(bytes, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += fatalUtf8.decode(bytes.subarray(run, i)) + String.fromCharCode(0xdc00 + bytes[i]!);
    run = ++i;
  }
  return out + fatalUtf8.decode(bytes.subarray(run));
}

/** What `errors` puts in place of the lone surrogate `unit` (null: it raises). */
function replacement(unit: number, errors: PyEncodeErrors): Buffer | null {
  switch (errors) {
    case 'strict':
      return null;
    case 'surrogateescape':
      return unit >= 0xdc80 && unit <= 0xdcff ? Buffer.of(unit - 0xdc00) : null;
    case 'surrogatepass':
      return Buffer.of(0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f));
    case 'replace':
      return Buffer.from('?');
    case 'ignore':
      return Buffer.alloc(0);
    case 'backslashreplace':
    case 'namereplace': // surrogates have no name: namereplace falls back to the \u form
      return Buffer.from(`\\u${unit.toString(16).padStart(4, '0')}`);
    case 'xmlcharrefreplace':
      return Buffer.from(`&#${unit};`);
  }
}

/**
 * str.encode('utf-8', errors): the bytes Python writes for `text`. Throws
 * Python's UnicodeEncodeError where the handler gives up on a lone surrogate
 * (strict always; surrogateescape on any outside U+DC80..U+DCFF); Python
 * encodes the whole text before writing any of it, so nothing is written then.
 */
export function encodeUtf8(text: string, errors: PyEncodeErrors): Buffer {
  if (!hasLoneSurrogate(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let run = 0;
  let codePoints = 0; // Python's position: code points, not UTF-16 units
  for (let i = 0; i < text.length; i++, codePoints++) {
    const u = text.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++; // a pair: one code point, encoded as usual
        continue;
      }
    } else if (u < 0xdc00 || u > 0xdfff) continue;
    const r = replacement(u, errors);
    if (r === null) {
      throw new PyError(
        'UnicodeEncodeError',
        `'utf-8' codec can't encode character '\\u${u.toString(16).padStart(4, '0')}' in position ${codePoints}: surrogates not allowed`,
      );
    }
    parts.push(Buffer.from(text.slice(run, i), 'utf8'), r);
    run = i + 1;
  }
  parts.push(Buffer.from(text.slice(run), 'utf8'));
  return Buffer.concat(parts);
}

/**
 * os.fsencode for the file system calls: a path is given to Node as its
 * exact bytes when it holds surrogate escapes (a name that is not UTF-8),
 * else as the string itself (Node encodes it as UTF-8, the same bytes).
 */
export function fsPath(path: string): string | Buffer {
  return hasLoneSurrogate(path) ? encodeUtf8(path, 'surrogateescape') : path;
}
