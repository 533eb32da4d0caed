// Clustering: the hunks of every pair grouped by signature, so that one
// divergence seen in seven threads is one line to triage ("payload.status of
// NtReadFile's return differs — 7 threads, 31 hunks"), each hunk a click away.
import type { Alignment } from '../align/alignThreads';
import { sides } from '../align/pairAlignment';
import type { PairResult } from '../diff/diffLogs';
import type { RuledLog } from '../diff/ruledLog';
import { hunkSignature, type HunkSignature } from './hunkSignature';

/** A hunk of the run: its pair (the canary thread's tidKey) and its index in the pair's alignment. */
interface HunkRef {
  pairKey: string;
  hunk: number;
}

export interface SignatureGroup extends HunkSignature {
  /** Every hunk with this signature, pair by pair (in the run's pair order), in order. */
  hunks: HunkRef[];
  /** Pairs (threads) it appears in. */
  pairs: number;
}

/** The signature of every hunk of a pair, in order. */
export function pairSignatures(p: PairResult, canary: RuledLog, ours: RuledLog, a: Alignment): HunkSignature[] {
  const { c, o } = sides(p, canary, ours);
  return a.hunks.map((h) => hunkSignature(c, o, h));
}

/**
 * Group the run's hunks by signature: most hunks first, then by text (a
 * stable order for pages). `pairs` in the run's order, each with its hunks'
 * signatures in order.
 */
export function groupSignatures(pairs: Iterable<{ pairKey: string; signatures: readonly HunkSignature[] }>): SignatureGroup[] {
  const groups = new Map<string, SignatureGroup>();
  for (const { pairKey, signatures } of pairs) {
    signatures.forEach((s, hunk) => {
      let g = groups.get(s.id);
      if (!g) groups.set(s.id, (g = { ...s, hunks: [], pairs: 0 }));
      if (g.hunks[g.hunks.length - 1]?.pairKey !== pairKey) g.pairs++;
      g.hunks.push({ pairKey, hunk });
    });
  }
  return [...groups.values()].sort((a, b) => b.hunks.length - a.hunks.length || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}
