// A rule set: what the comparison leaves out, what it canonicalizes and how,
// and which events it leaves out of both streams. Plain data: the reference's
// constants are one rule set (referenceRules.ts); a session, a rules file
// (rulesFile.ts) or the command line's flags make others. Every result
// computed under a rule set is kept and named under its fingerprint.
import { createHash } from 'node:crypto';

/** A field of an event: `['payload', 'args_resolved', 'a0']`, `['tid_event_idx']`, `['payload']`. */
export type FieldPath = readonly string[];

/** A rule on one field of the events of one kind, or of every kind (`*`). */
interface FieldRule {
  kind: string;
  path: FieldPath;
}

interface CanonicalRule extends FieldRule {
  /** Paired (a value matches only its partner) rather than numbered per thread, as allocator returns are by default. */
  pairing: boolean;
}

export interface RuleSet {
  /** Fields never compared. */
  skip: FieldRule[];
  /** Kernel exports whose kernel.return return_value (and status) are canonicalized (ALLOCATOR_RETURN_FNS). */
  allocators: string[];
  /** Allocator returns paired rather than numbered `<alloc:NAME_N>` (the reference's ordinals). */
  allocatorPairing: boolean;
  /** Other fields canonicalized: numbered per thread like allocator returns, or paired. */
  canonicalize: CanonicalRule[];
  /** Events of these kinds are left out of both streams before comparing. */
  ignoreKinds: string[];
}

/** Any kind. */
export const ANY_KIND = '*';

const PLAIN_TOKEN = /^[A-Za-z0-9_][A-Za-z0-9_.:\-/+@$]*$/;
const PLAIN_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_\-/+@$:]*$/;

/** A kind or a name as the rules file writes it: bare when plain, a JSON string otherwise. */
export function formatToken(s: string): string {
  return PLAIN_TOKEN.test(s) || s === ANY_KIND ? s : JSON.stringify(s);
}

/** A path as the rules file writes it: segments joined by dots, a segment with odd characters as a JSON string. */
export function formatPath(path: FieldPath): string {
  return path.map((s) => (PLAIN_SEGMENT.test(s) ? s : JSON.stringify(s))).join('.');
}

export class RulePathError extends Error {}

/** `payload.args_resolved.a0`, `payload."a.b"`, `tid_event_idx`: the segments, checked. */
export function parsePath(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      // A JSON string segment: find its closing quote (escapes skipped).
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) throw new RulePathError(`unterminated quoted segment in ${text}`);
      let seg: unknown;
      try {
        seg = JSON.parse(text.slice(i, j + 1));
      } catch {
        throw new RulePathError(`bad quoted segment in ${text}`);
      }
      out.push(seg as string);
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && text[j] !== '.') j++;
      const seg = text.slice(i, j);
      if (seg === '') throw new RulePathError(`empty segment in ${JSON.stringify(text)}`);
      out.push(seg);
      i = j;
    }
    if (i < text.length) {
      if (text[i] !== '.') throw new RulePathError(`expected '.' after a segment in ${text}`);
      i++;
      if (i === text.length) throw new RulePathError(`a path cannot end with '.': ${text}`);
    }
  }
  if (out.length === 0) throw new RulePathError('an empty path');
  return out;
}

/**
 * Whether a path names something the comparison looks at. `tid_event_idx` and
 * `payload` (and paths below it) do; `kind` cannot be left out (ignore-kind
 * leaves events out instead); other top-level fields are never compared.
 */
export function checkPath(path: FieldPath, what: 'skip' | 'canonicalize'): string | null {
  const top = path[0]!;
  if (top === 'payload') return what === 'canonicalize' && path.length === 1 ? 'only a field inside the payload can be canonicalized' : null;
  if (top === 'tid_event_idx' && path.length === 1) return what === 'skip' ? null : 'tid_event_idx cannot be canonicalized (skip it instead)';
  if (top === 'kind') return 'kind says what an event is: leave events of a kind out with ignore-kind instead';
  if (path.length === 1) return `${top} is never compared (only kind, tid_event_idx and payload are)`;
  return `${formatPath(path)} is not a field the comparison looks at (paths start with payload)`;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const ruleText = (r: FieldRule): string => `${formatToken(r.kind)} ${formatPath(r.path)}`;

/** The same rule set with every list sorted and without repeats: what fingerprints and comparisons use. */
export function normalizeRules(r: RuleSet): RuleSet {
  const uniq = <T>(xs: T[], key: (x: T) => string): T[] => {
    const m = new Map<string, T>();
    for (const x of xs) m.set(key(x), x);
    return [...m.entries()].sort((a, b) => byText(a[0], b[0])).map(([, x]) => x);
  };
  return {
    skip: uniq(
      r.skip.map((s) => ({ kind: s.kind, path: [...s.path] })),
      ruleText,
    ),
    allocators: uniq(r.allocators, (x) => x),
    allocatorPairing: r.allocatorPairing,
    // One canonicalization per field and kind: the last one given wins (a later line changes an earlier one).
    canonicalize: uniq(
      r.canonicalize.map((c) => ({ kind: c.kind, path: [...c.path], pairing: c.pairing })),
      ruleText,
    ),
    ignoreKinds: uniq(r.ignoreKinds, (x) => x),
  };
}

/** The rule set as lines of the rules file, one directive each, in a fixed order (the fingerprint's input). */
export function ruleLines(r: RuleSet): string[] {
  const n = normalizeRules(r);
  return [
    ...n.skip.map((s) => `skip ${ruleText(s)}`),
    ...n.allocators.map((a) => `allocator ${formatToken(a)}`),
    `allocators ${n.allocatorPairing ? 'pair' : 'number'}`,
    ...n.canonicalize.map((c) => `${c.pairing ? 'pair' : 'canonicalize'} ${ruleText(c)}`),
    ...n.ignoreKinds.map((k) => `ignore-kind ${formatToken(k)}`),
  ];
}

/** A short stable name for the rule set: what kept results are filed under and what reports print. */
export function rulesFingerprint(r: RuleSet): string {
  return createHash('sha256')
    .update(['lockstep-rules 1', ...ruleLines(r)].join('\n'))
    .digest('hex')
    .slice(0, 16);
}

export function sameRules(a: RuleSet, b: RuleSet): boolean {
  return ruleLines(a).join('\n') === ruleLines(b).join('\n');
}

/**
 * How `r` differs from `base`, as rules-file directives: what `r` adds (skip,
 * allocator, canonicalize, pair, ignore-kind) and what it takes away (compare:
 * a field `base` skips that `r` compares; not-allocator; no-canonicalize; keep-kind).
 */
export function rulesDifferences(r: RuleSet, base: RuleSet): string[] {
  const a = normalizeRules(r);
  const b = normalizeRules(base);
  const has = <T>(xs: T[], x: T, key: (y: T) => string): boolean => xs.some((y) => key(y) === key(x));
  const canonKey = (c: CanonicalRule): string => `${ruleText(c)} ${c.pairing}`;
  const out: string[] = [];
  for (const s of a.skip) if (!has(b.skip, s, ruleText)) out.push(`skip ${ruleText(s)}`);
  for (const s of b.skip) if (!has(a.skip, s, ruleText)) out.push(`compare ${ruleText(s)}`);
  for (const x of a.allocators) if (!b.allocators.includes(x)) out.push(`allocator ${formatToken(x)}`);
  for (const x of b.allocators) if (!a.allocators.includes(x)) out.push(`not-allocator ${formatToken(x)}`);
  if (a.allocatorPairing !== b.allocatorPairing) out.push(`allocators ${a.allocatorPairing ? 'pair' : 'number'}`);
  for (const c of a.canonicalize) if (!has(b.canonicalize, c, canonKey)) out.push(`${c.pairing ? 'pair' : 'canonicalize'} ${ruleText(c)}`);
  for (const c of b.canonicalize) if (!has(a.canonicalize, c, ruleText)) out.push(`no-canonicalize ${ruleText(c)}`);
  for (const k of a.ignoreKinds) if (!b.ignoreKinds.includes(k)) out.push(`ignore-kind ${formatToken(k)}`);
  for (const k of b.ignoreKinds) if (!a.ignoreKinds.includes(k)) out.push(`keep-kind ${formatToken(k)}`);
  return out;
}

const kindsMeet = (a: string, b: string): boolean => a === b || a === ANY_KIND || b === ANY_KIND;
const within = (inner: FieldPath, outer: FieldPath): boolean => inner.length > outer.length && outer.every((s, i) => s === inner[i]);

/**
 * What makes a rule set unusable, or null: a canonicalized field inside
 * another one of the same events (one would rewrite what the other reads).
 */
export function rulesProblem(r: RuleSet): string | null {
  for (const a of r.canonicalize) {
    for (const b of r.canonicalize) {
      if (kindsMeet(a.kind, b.kind) && within(a.path, b.path)) {
        return `${formatPath(a.path)} lies inside ${formatPath(b.path)}, which is canonicalized too: canonicalize one of them`;
      }
    }
  }
  return null;
}
