// Whether every match of a regular expression lies inside one token of a
// line (a string's raw text, a key, a number, true/false/null), so that the
// search index's dictionaries can decide it without reading a line: the
// regex is tried on each distinct token instead of on each event.
//
// Between any two tokens of a JSON line there is a quote or one of
// : , { } [ ] (fragments.ts). A match that is not empty and can hold none of
// those characters, nor JSON's whitespace (a match of spaces alone could lie
// between two tokens), starts and ends inside one token. Assertions other
// than \b and \B look outside the match (^, $, lookarounds) and are refused;
// \b and \B see the same on a token alone as in its line: the character
// beside a token's text in the line is never a word character, and the end
// of a text counts as none.
import { RegExpParser } from '@eslint-community/regexpp';
import type { Alternative, CharacterClassElement, Element } from '@eslint-community/regexpp/ast';

/** What lies between tokens: JSON's punctuation and whitespace (none of them changes under case folding). */
const BETWEEN = ['"', ':', ',', '{', '}', '[', ']', ' ', '\t', '\n', '\r'].map((c) => c.charCodeAt(0));

const outsideTokens = (min: number, max: number): boolean => BETWEEN.some((c) => c >= min && c <= max);

/** Whether `/pattern/flags` matches only non-empty texts made of characters that never lie between tokens. */
export function matchesWithinOneToken(pattern: string, flags: string): boolean {
  let ast;
  try {
    ast = new RegExpParser().parsePattern(pattern, 0, pattern.length, { unicode: flags.includes('u'), unicodeSets: flags.includes('v') });
  } catch {
    return false;
  }
  const lengths = ast.alternatives.map(shortestMatch);
  return lengths.every((n) => n !== null && n >= 1);
}

/** The fewest characters a match of the alternative holds, or null when it may hold a character between tokens (or look outside its match). */
function shortestMatch(alt: Alternative): number | null {
  let total = 0;
  for (const el of alt.elements) {
    const n = elementLength(el);
    if (n === null) return null;
    total += n;
  }
  return total;
}

function alternativesLength(alts: Alternative[]): number | null {
  let min = Infinity;
  for (const a of alts) {
    const n = shortestMatch(a);
    if (n === null) return null;
    min = Math.min(min, n);
  }
  return min;
}

function elementLength(el: Element): number | null {
  switch (el.type) {
    case 'Character':
      return outsideTokens(el.value, el.value) ? null : 1;
    case 'CharacterClass':
      if (el.negate || el.unicodeSets) return null;
      return el.elements.every(classElementInside) ? 1 : null;
    case 'CharacterSet':
      // \d and \w hold none of them; . \s \D \S \W and properties may.
      return el.kind !== 'any' && (el.kind === 'digit' || el.kind === 'word') && !el.negate ? 1 : null;
    case 'Quantifier': {
      const n = elementLength(el.element);
      return n === null ? null : n * el.min;
    }
    case 'Group':
    case 'CapturingGroup':
      return alternativesLength(el.alternatives);
    case 'Backreference':
      return 0; // repeats what a group matched (characters already allowed); perhaps nothing
    case 'Assertion':
      return el.kind === 'word' ? 0 : null;
    default:
      return null;
  }
}

function classElementInside(e: CharacterClassElement): boolean {
  switch (e.type) {
    case 'Character':
      return !outsideTokens(e.value, e.value);
    case 'CharacterClassRange':
      return !outsideTokens(e.min.value, e.max.value);
    case 'CharacterSet':
      return (e.kind === 'digit' || e.kind === 'word') && !e.negate;
    default:
      return false;
  }
}
