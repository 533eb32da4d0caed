// When a field's value equals what the find box asks for. Python's `==` on
// the json.loads value (docs/search.md), with one addition:
//
//   - numbers, true and false compare as numbers, exactly: 1 == 1.0 == true,
//     integers at any size, 1e16 == 10000000000000000; NaN equals nothing;
//   - null equals null; a string equals the same string;
//   - and a number asked for also finds a string that Python's int(s, 0)
//     reads as that number: engines write an NTSTATUS as 0xC0000034 in one
//     log and 3221225524 in another, and `payload.status=0xC0000034` should
//     find both. A quoted value ("0xC0000034") finds only that string.
//
// A token's "match key" is what equality is decided on: 'n' + the canonical
// number (py/value canonicalNumber) for numbers, booleans and strings int(s, 0)
// reads; 's' + the string for other strings; 'N' for null; 'E{}' / 'E[]' for
// an empty object or list; null for NaN (equal to nothing).
import type { QueryValue } from '../../shared/searchQuery';
import { pyIntBase0 } from '../diff/tidMap';
import { canonicalNumber } from '../py/value';
import { TOKEN_EMPTY, TOKEN_LITERAL, TOKEN_NUMBER, TOKEN_STRING } from './lineLeaves';

const INT_LITERAL = /^-?(0|[1-9][0-9]*)$/;
/** An ASCII string int(s, 0) reads: the spellings Python accepts, with the whitespace int() skips around them. */
const ASCII_INT = /^[ \t\n\r\v\f]*[+-]?(0[xX](_?[0-9a-fA-F])+|0[oO](_?[0-7])+|0[bB](_?[01])+|[1-9](_?[0-9])*|0(_?0)*)[ \t\n\r\v\f]*$/;
/** Integers a double holds exactly, spelled as their canonical text already, or as hex of up to 52 bits. */
const PLAIN_DECIMAL = /^(0|[1-9][0-9]{0,14})$/;
const PLAIN_HEX = /^0[xX][0-9a-fA-F]{1,13}$/;
/** Only these ASCII characters can be in a string int(s, 0) reads (non-ASCII digits and spaces may be too). */
const NOT_INT_ASCII = /[^\u0080-\uffff0-9A-Za-z_+\- \t\n\r\v\f]/;

/** The exact value of a JSON number token, canonical (see canonicalNumber). */
function numberTokenKey(raw: string): string {
  if (INT_LITERAL.test(raw)) return raw.length < 16 ? String(Number(raw) || 0) : BigInt(raw).toString();
  return canonicalNumber(Number(raw));
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The integer Python's int(s, 0) reads from a string, canonical; null when it reads none. */
export function intSpelledBy(s: string): string | null {
  // The spellings engines write (a status in hex, a handle in decimal), read without BigInt: a column's
  // dictionary is read on a search's first look at it, thousands of entries per segment.
  if (PLAIN_DECIMAL.test(s)) return s;
  if (PLAIN_HEX.test(s)) return String(parseInt(s.slice(2), 16));
  // Most strings are not numbers: say so without raising Python's ValueError.
  if (s === '' || (isAscii(s) ? !ASCII_INT.test(s) : NOT_INT_ASCII.test(s))) return null;
  try {
    return pyIntBase0(s).toString();
  } catch {
    return null;
  }
}

/** A string token's value: its raw text between the quotes, decoded. */
export function decodeStringToken(raw: string): string {
  return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/** The match key of a token (see above); null: equal to nothing (NaN). */
export function tokenMatchKey(token: number, raw: string): string | null {
  switch (token) {
    case TOKEN_STRING: {
      const s = decodeStringToken(raw);
      const n = intSpelledBy(s);
      return n === null ? 's' + s : 'n' + n;
    }
    case TOKEN_NUMBER:
      return 'n' + numberTokenKey(raw);
    case TOKEN_LITERAL:
      return raw === 'true' ? 'n1' : raw === 'false' ? 'n0' : raw === 'null' ? 'N' : raw === 'Infinity' ? 'ninf' : raw === '-Infinity' ? 'n-inf' : null;
    case TOKEN_EMPTY:
      return 'E' + raw;
  }
  return null;
}

/**
 * A 16-bit hash of a match key (FNV-1a over its UTF-16 units, folded), odd; 0 for null (equal to
 * nothing). Not keyed, and short: an equal hash only picks the entries whose key is then compared
 * exactly (a column of 65,536 entries has one such stranger per search or so).
 */
export function keyHash16(key: string | null): number {
  if (key === null) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return ((h ^ (h >>> 16)) & 0xffff) | 1;
}

/**
 * What a query value matches: the match key to look for, and whether a token
 * with that key is surely equal (`exact`) or must be checked: a quoted string
 * that int(s, 0) reads is filed under its number, as "0x10" and 16 are.
 */
export function queryMatchKey(v: QueryValue): { key: string; exact: boolean } {
  switch (v.type) {
    case 'string': {
      const n = intSpelledBy(v.value);
      return n === null ? { key: 's' + v.value, exact: true } : { key: 'n' + n, exact: false };
    }
    case 'int':
      return { key: 'n' + v.digits, exact: true };
    case 'float':
      return { key: 'n' + canonicalNumber(v.value), exact: true };
    case 'bool':
      return { key: v.value ? 'n1' : 'n0', exact: true };
    case 'null':
      return { key: 'N', exact: true };
  }
}
