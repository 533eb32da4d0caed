// A run against a baseline: each signature of the run is known (an entry of
// the baseline names its id, or its pattern matches its text) or new; each
// entry of the baseline that no hunk of the run matches any more is fixed.
import type { Baseline, BaselineEntry } from './baselineFile';

/**
 * A pattern over signature texts as a RegExp: `*` any run of characters, `?`
 * one character, everything else itself. Written here rather than taken from
 * a glob library: those give `/`, `[…]`, `{…}` and `**` path meanings, and
 * signature texts are full of brackets (`payload.blob[299]`) and slashes.
 */
function patternRegExp(pattern: string): RegExp {
  let re = '';
  for (const ch of pattern) re += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^${re}$`, 'su');
}

class BaselineMatcher {
  private readonly byId = new Map<string, BaselineEntry>();
  private readonly patterns: { entry: BaselineEntry; re: RegExp }[] = [];

  constructor(readonly baseline: Baseline) {
    for (const e of baseline.entries) {
      if (e.signature !== null) {
        if (!this.byId.has(e.signature)) this.byId.set(e.signature, e);
      } else this.patterns.push({ entry: e, re: patternRegExp(e.pattern!) });
    }
  }

  /** The entry that knows this signature (its id first, then the first pattern that matches), or null: new. */
  match(sig: { id: string; text: string }): BaselineEntry | null {
    const byId = this.byId.get(sig.id);
    if (byId) return byId;
    for (const p of this.patterns) if (p.re.test(sig.text)) return p.entry;
    return null;
  }
}

export interface SignatureCount {
  id: string;
  text: string;
  hunks: number;
}

export interface BaselineComparison {
  baseline: Baseline;
  /** Per signature id of the run: the entry that knows it, or null (new). */
  known: Map<string, BaselineEntry | null>;
  /** Hunks whose signature is new, and known. */
  newHunks: number;
  knownHunks: number;
  /** Entries no hunk of the run matches any more, in the baseline's order. */
  fixed: BaselineEntry[];
}

export function compareWithBaseline(baseline: Baseline, signatures: Iterable<SignatureCount>): BaselineComparison {
  const matcher = new BaselineMatcher(baseline);
  const known = new Map<string, BaselineEntry | null>();
  const texts: string[] = [];
  let newHunks = 0;
  let knownHunks = 0;
  for (const s of signatures) {
    const entry = matcher.match(s);
    known.set(s.id, entry);
    texts.push(s.text);
    if (entry) knownHunks += s.hunks;
    else newHunks += s.hunks;
  }
  // Fixed: no signature of the run has the entry's id, or matches its pattern (any of them, not only those it was the first match of).
  const fixed = baseline.entries.filter((e) => {
    if (e.signature !== null) return !known.has(e.signature);
    const re = patternRegExp(e.pattern!);
    return !texts.some((t) => re.test(t));
  });
  return { baseline, known, newHunks, knownHunks, fixed };
}

/** The line `lockstep diff --baseline` prints on stderr. */
export function comparisonLine(c: BaselineComparison): string {
  return `${c.newHunks} new, ${c.knownHunks} known, ${c.fixed.length} fixed`;
}
