// Whether one event matches a query, decided from its line: what the index
// cannot decide alone (a regex, a text across tokens, a list index, a segment
// the index did not file) is read and checked here, with the same meaning the
// index gives the query (valueKeys.ts, docs/search.md).
import type { PathStep, QueryValue } from '../../shared/searchQuery';
import { pyJsonLoads } from '../py/parse';
import { canonicalNumber, isDict, type PyValue } from '../py/value';
import type { CompiledQuery, CompiledTerm } from './compiledQuery';
import { intSpelledBy } from './valueKeys';

/** A leaf value's match key (valueKeys.ts tokenMatchKey, from the parsed value); null: equal to nothing. */
function leafMatchKey(v: PyValue): string | null {
  if (v === null) return 'N';
  switch (typeof v) {
    case 'boolean':
      return v ? 'n1' : 'n0';
    case 'bigint':
      return 'n' + v.toString();
    case 'number':
      return Number.isNaN(v) ? null : 'n' + canonicalNumber(v);
    case 'string': {
      const n = intSpelledBy(v);
      return n === null ? 's' + v : 'n' + n;
    }
  }
  return Array.isArray(v) ? 'E[]' : 'E{}';
}

/** The leaves at a path: scalars and empty containers (a non-empty container has its leaves below it). */
function leavesAt(v: PyValue | undefined, path: readonly PathStep[], at: number, out: PyValue[]): void {
  if (v === undefined) return;
  if (at === path.length) {
    if (isDict(v) ? v.size === 0 : Array.isArray(v) ? v.length === 0 : true) out.push(v);
    return;
  }
  const step = path[at]!;
  if ('key' in step) {
    if (isDict(v) && v.has(step.key)) leavesAt(v.get(step.key), path, at + 1, out);
  } else if (Array.isArray(v)) {
    if ('index' in step) leavesAt(v[step.index], path, at + 1, out);
    else for (const item of v) leavesAt(item, path, at + 1, out);
  }
}

function leafEquals(leaf: PyValue, value: QueryValue, matchKey: string): boolean {
  if (value.type === 'string') return typeof leaf === 'string' && leaf === value.value;
  return leafMatchKey(leaf) === matchKey;
}

function fieldHolds(event: PyValue, t: Extract<CompiledTerm, { type: 'field' }>): boolean {
  const leaves: PyValue[] = [];
  leavesAt(event, t.path, 0, leaves);
  return t.op === '=' ? leaves.some((l) => leafEquals(l, t.value, t.matchKey)) : leaves.some((l) => !leafEquals(l, t.value, t.matchKey));
}

/** Whether the event on this line matches every term of the query. */
export function eventMatches(q: CompiledQuery, line: string): boolean {
  let event: PyValue | undefined;
  let lower: string | undefined;
  for (const t of q.terms) {
    if (t.type === 'field') {
      event ??= pyJsonLoads(line);
      if (!fieldHolds(event, t)) return false;
    } else if (t.type === 'text') {
      lower ??= line.toLowerCase();
      if (!lower.includes(t.needle)) return false;
    } else if (!t.re.test(line)) return false;
  }
  return true;
}
