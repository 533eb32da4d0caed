// The literal text every match of a regular expression must contain, read
// from its syntax tree (@eslint-community/regexpp, the parser ESLint uses):
// what the search index can narrow a regex search by before it reads lines.
// Conservative: only characters that every match holds, in the order they
// are written, each run cut wherever something else could come between.
import { RegExpParser } from '@eslint-community/regexpp';
import type { Alternative, Element } from '@eslint-community/regexpp/ast';

/** Runs of characters every match of `/pattern/flags` contains (empty: nothing is certain). */
export function requiredLiterals(pattern: string, flags: string): string[] {
  let ast;
  try {
    ast = new RegExpParser().parsePattern(pattern, 0, pattern.length, { unicode: flags.includes('u'), unicodeSets: flags.includes('v') });
  } catch {
    return []; // the engine accepted it (the query was checked): read every line rather than guess
  }
  // Several alternatives at the top: no text is common to all of them for sure.
  return ast.alternatives.length === 1 ? sequence(ast.alternatives[0]!) : [];
}

function sequence(alt: Alternative): string[] {
  const out: string[] = [];
  let run = '';
  const cut = (): void => {
    if (run !== '') out.push(run);
    run = '';
  };
  const required = (el: Element): string[] => {
    if (el.type === 'Character') return [String.fromCodePoint(el.value)];
    if ((el.type === 'Group' || el.type === 'CapturingGroup') && el.alternatives.length === 1) return sequence(el.alternatives[0]!);
    return [];
  };
  for (const el of alt.elements) {
    if (el.type === 'Character') {
      run += String.fromCodePoint(el.value);
      continue;
    }
    cut();
    // A group or a repeated atom that must occur at least once: what it requires, but not joined to its neighbours.
    if (el.type === 'Quantifier') {
      if (el.min >= 1) out.push(...required(el.element));
    } else out.push(...required(el));
  }
  cut();
  return out;
}
