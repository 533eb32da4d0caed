// A find-box query made ready to run: each term with what the index looks
// for (a column's path and a match key, or the fragments of a text) and what
// decides it exactly when the index cannot (verifyEvent.ts).
import { parseQuery, pathText, type PathStep, type QueryValue } from '../../shared/searchQuery';
import { tokenFragments } from './fragments';
import { requiredLiterals } from './regexLiterals';
import { matchesWithinOneToken } from './regexWithinToken';
import { queryMatchKey } from './valueKeys';

export type CompiledTerm =
  | {
      type: 'field';
      /** The column the index files the path under: list indexes become [*]. */
      columnPath: string;
      path: PathStep[];
      /** The path names a list index: the column holds every item, the event is read to check that one. */
      specificIndex: boolean;
      op: '=' | '!=';
      value: QueryValue;
      matchKey: string;
      /** A leaf with matchKey surely equals the value (else it is read to be sure: a quoted "0x10"). */
      exactKey: boolean;
      /** The integer (decimal digits) a leaf of an integer column must be, or null when none can be equal. */
      intDigits: string | null;
    }
  | { type: 'text'; needle: string; fragments: string[]; exact: boolean }
  | {
      type: 'regex';
      re: RegExp;
      fragments: string[];
      /** Every match lies inside one token (regexWithinToken.ts): the index's tokens decide it, no line is read. */
      withinToken: boolean;
    };

export interface CompiledQuery {
  /** The query as canonical text (what caches key on). */
  text: string;
  terms: CompiledTerm[];
}

/** A query the find box cannot run: the message says why, `at` where. */
export class QueryInputError extends Error {
  constructor(
    message: string,
    readonly at: number,
  ) {
    super(message);
  }
}

export function compileQuery(text: string): CompiledQuery {
  const parsed = parseQuery(text);
  if (!parsed.ok) throw new QueryInputError(parsed.message, parsed.at);
  const terms = parsed.terms.map((t): CompiledTerm => {
    if (t.type === 'field') {
      const { key, exact } = queryMatchKey(t.value);
      return {
        type: 'field',
        columnPath: pathText(t.path.map((s) => ('index' in s ? { anyItem: true as const } : s))),
        path: t.path,
        specificIndex: t.path.some((s) => 'index' in s),
        op: t.op,
        value: t.value,
        matchKey: key,
        exactKey: exact,
        intDigits: t.value.type !== 'string' && /^n-?[0-9]+$/.test(key) ? key.slice(1) : null,
      };
    }
    if (t.type === 'text') {
      const needle = t.needle.toLowerCase();
      const fragments = tokenFragments(needle);
      return { type: 'text', needle, fragments, exact: fragments.length === 1 && fragments[0] === needle };
    }
    return {
      type: 'regex',
      re: new RegExp(t.pattern, t.flags),
      fragments: [...new Set(requiredLiterals(t.pattern, t.flags).flatMap(tokenFragments))],
      withinToken: matchesWithinOneToken(t.pattern, t.flags),
    };
  });
  return { text: parsed.text, terms };
}
