// The similarity mapping (`--auto-map similarity`, the workbench's proposal):
// every canary thread against every ours thread by the similarity of their
// whole streams (threadSimilarity.ts), solved as an assignment that maximises
// the total similarity (the Hungarian method, npm `munkres`), each pair with
// why it was made and how sure it is. The reference's auto_tid_map pairs
// threads by their first kernel.call name, sorted tids zipped: wrong when the
// engines create threads sharing a first call in different orders, and blind
// to a thread whose first call differs (issue 14).
import { munkres } from 'munkres';
import { pyStr } from '../py/format';
import { pyCompare } from '../py/value';
import { readThreadFeatures } from '../store/threadFeatures';
import type { IndexedLog, ThreadInfo } from './indexedLog';
import { similarityMatrix } from './similarityMatrix';
import { evidence, prepareThreads, similarity, type PreparedThread, type SimilarityEvidence } from './threadSimilarity';

/**
 * Below this similarity two threads are not paired even when nothing better
 * is left: unrelated threads of one title still share call names and lengths
 * (about 0.3 on generated logs), while a thread and its counterpart on the
 * other engine share most of their call sequence (above 0.8 with a divergence).
 */
export const MIN_PAIR_SIMILARITY = 0.4;
/**
 * A pair is flagged unsure below this confidence: when the streams are less
 * than 70% alike, or when the pair leads its closest rival by less than about
 * 0.066 of similarity (with CLEAR_LEAD) — more than creation order alone can
 * give (at most 0.054), and creation order is what engines disagree on.
 */
export const UNSURE_BELOW = 0.7;
/**
 * How far the pair must lead its closest rival (another thread that fits
 * either of its two threads) for its confidence to be its similarity. With no
 * lead the pair is a coin flip between the two: half its similarity.
 */
const CLEAR_LEAD = 0.15;
/**
 * Ties (threads whose streams cannot be told apart) are broken as the
 * reference pairs threads: among threads with the same first call, sorted tids
 * zipped. Small enough to never outweigh a difference of the evidence (one
 * call more in threads of a million calls moves a similarity by about 1e-7;
 * this adds at most 1e-8 for 10,000 threads), large enough to outweigh the
 * rounding of sums of doubles (about 1e-13).
 */
const TIE_BREAK = 1e-12;

interface Rival {
  side: 'canary' | 'ours';
  thread: ThreadInfo;
  similarity: number;
}

export interface SimilarityPair {
  canary: ThreadInfo;
  ours: ThreadInfo;
  similarity: number;
  /** The similarity, scaled down when a rival comes within CLEAR_LEAD of it. */
  confidence: number;
  unsure: boolean;
  /** One line: why the pair was made and how sure it is. */
  reason: string;
  evidence: SimilarityEvidence;
  /** The closest other thread to either side of the pair, if there is another. */
  rival: Rival | null;
}

export interface UnpairedThread {
  side: 'canary' | 'ours';
  thread: ThreadInfo;
  /** The closest thread on the other side (it may be paired with another). */
  best: { thread: ThreadInfo; similarity: number } | null;
  reason: string;
}

export interface SimilarityMapping {
  pairs: SimilarityPair[];
  unpairedCanary: UnpairedThread[];
  unpairedOurs: UnpairedThread[];
}

/** A share as a person reads it: never "100%" for what is not all, never "0%" for what is some. */
export function percent(x: number): string {
  let p = Math.round(x * 100);
  if (p === 100 && x < 1) p = 99;
  if (p === 0 && x > 0) p = 1;
  return `${p}%`;
}

function tidOf(t: ThreadInfo): string {
  return pyStr(t.tid);
}

function firstCallText(p: PreparedThread): string {
  return p.features.firstCalls[0] ?? 'none';
}

function reasonOf(c: ThreadInfo, o: ThreadInfo, pc: PreparedThread, po: PreparedThread, e: SimilarityEvidence, unsure: boolean, rival: Rival | null): string {
  const parts: string[] = [];
  if (e.firstCall === true) parts.push(`first call ${firstCallText(pc)}`);
  else if (e.firstCall === false) parts.push(`first call differs (${firstCallText(pc)} / ${firstCallText(po)})`);
  else parts.push(pc.features.calls === 0 && po.features.calls === 0 ? 'no calls on either side' : 'calls on one side only');
  if (e.callSequence !== null) parts.push(`${percent(e.callSequence)} of call sequence shared`);
  if (e.entry === true) parts.push('same entry point');
  parts.push(c.eventCount === o.eventCount ? `${c.eventCount} events each` : `${c.eventCount} / ${o.eventCount} events`);
  if (unsure && rival) {
    const how = rival.similarity >= similarity(e) ? 'as well' : 'nearly as well';
    parts.push(`unsure: ${rival.side} ${tidOf(rival.thread)} fits ${how} (${percent(rival.similarity)})`);
  } else if (unsure) parts.push('unsure: the streams have little in common');
  return parts.join('; ');
}

/** The two best values of each row and column, with where they are: the rivals of any pair. */
class Leaders {
  readonly rowBest: Int32Array;
  readonly rowSecond: Int32Array;
  readonly colBest: Int32Array;
  readonly colSecond: Int32Array;

  constructor(
    private readonly s: Float64Array[],
    n: number,
    m: number,
  ) {
    this.rowBest = new Int32Array(n).fill(-1);
    this.rowSecond = new Int32Array(n).fill(-1);
    this.colBest = new Int32Array(m).fill(-1);
    this.colSecond = new Int32Array(m).fill(-1);
    for (let i = 0; i < n; i++) {
      const row = s[i]!;
      for (let j = 0; j < m; j++) {
        const v = row[j]!;
        const rb = this.rowBest[i]!;
        if (rb < 0 || v > row[rb]!) {
          this.rowSecond[i] = rb;
          this.rowBest[i] = j;
        } else if (this.rowSecond[i]! < 0 || v > row[this.rowSecond[i]!]!) this.rowSecond[i] = j;
        const cb = this.colBest[j]!;
        if (cb < 0 || v > s[cb]![j]!) {
          this.colSecond[j] = cb;
          this.colBest[j] = i;
        } else if (this.colSecond[j]! < 0 || v > s[this.colSecond[j]!]![j]!) this.colSecond[j] = i;
      }
    }
  }

  /** The best ours thread for canary i other than j, and the best canary thread for ours j other than i. */
  rival(i: number, j: number): { side: 'canary' | 'ours'; index: number; value: number } | null {
    const oj = this.rowBest[i] === j ? this.rowSecond[i]! : this.rowBest[i]!;
    const ci = this.colBest[j] === i ? this.colSecond[j]! : this.colBest[j]!;
    const ov = oj >= 0 ? this.s[i]![oj]! : -1;
    const cv = ci >= 0 ? this.s[ci]![j]! : -1;
    if (ov < 0 && cv < 0) return null;
    return ov >= cv ? { side: 'ours', index: oj, value: ov } : { side: 'canary', index: ci, value: cv };
  }
}

/** Each thread's place among the threads of its log with the same first call, by tid as Python sorts them (creation order where it cannot). */
function firstCallRanks(threads: ThreadInfo[], prepared: PreparedThread[]): Int32Array {
  const groups = new Map<number, number[]>();
  prepared.forEach((p, i) => {
    const g = groups.get(p.firstCallId);
    if (g) g.push(i);
    else groups.set(p.firstCallId, [i]);
  });
  const out = new Int32Array(threads.length);
  for (const members of groups.values()) {
    try {
      members.sort((a, b) => {
        const c = pyCompare(threads[a]!.tid, threads[b]!.tid);
        return Number.isNaN(c) ? a - b : c;
      });
    } catch {
      // tids of kinds Python cannot order: creation order
    }
    members.forEach((t, k) => (out[t] = k));
  }
  return out;
}

/** Pair the threads of two logs by the similarity of their whole streams. */
export function similarityMapping(canary: IndexedLog, ours: IndexedLog): SimilarityMapping {
  const ids = new Map<string, number>();
  const ct = canary.threads;
  const ot = ours.threads;
  const pc = prepareThreads(ct, readThreadFeatures(canary.db, canary.log.logId, ct.length), ids);
  const po = prepareThreads(ot, readThreadFeatures(ours.db, ours.log.logId, ot.length), ids);
  const n = ct.length;
  const m = ot.length;
  const s = similarityMatrix(pc, po);
  // The Hungarian method minimises a cost: 1 - similarity maximises the total similarity.
  const cr = firstCallRanks(ct, pc);
  const or = firstCallRanks(ot, po);
  const cost = s.map((row, i) => row.map((v, j) => 1 - v + (pc[i]!.firstCallId === po[j]!.firstCallId ? TIE_BREAK * Math.abs(cr[i]! - or[j]!) : 0)));
  const leaders = new Leaders(s, n, m);
  const assigned = n > 0 && m > 0 ? munkres(cost) : [];

  const pairs: SimilarityPair[] = [];
  const pairedC = new Set<number>();
  const pairedO = new Set<number>();
  for (const [i, j] of assigned) {
    const v = s[i]![j]!;
    if (v < MIN_PAIR_SIMILARITY) continue;
    pairedC.add(i);
    pairedO.add(j);
    const e = evidence(pc[i]!, po[j]!);
    const r = leaders.rival(i, j);
    const lead = r ? v - r.value : CLEAR_LEAD;
    const confidence = (v * (1 + Math.max(0, Math.min(1, lead / CLEAR_LEAD)))) / 2;
    const unsure = confidence < UNSURE_BELOW;
    const rival: Rival | null = r ? { side: r.side, thread: r.side === 'ours' ? ot[r.index]! : ct[r.index]!, similarity: r.value } : null;
    pairs.push({
      canary: ct[i]!,
      ours: ot[j]!,
      similarity: similarity(e),
      confidence,
      unsure,
      reason: reasonOf(ct[i]!, ot[j]!, pc[i]!, po[j]!, e, unsure, rival),
      evidence: e,
      rival,
    });
  }

  const unpaired = (side: 'canary' | 'ours'): UnpairedThread[] => {
    const mine = side === 'canary' ? ct : ot;
    const theirs = side === 'canary' ? ot : ct;
    const paired = side === 'canary' ? pairedC : pairedO;
    const out: UnpairedThread[] = [];
    mine.forEach((t, k) => {
      if (paired.has(k)) return;
      const b = side === 'canary' ? leaders.rowBest[k]! : leaders.colBest[k]!;
      const best = b < 0 ? null : { thread: theirs[b]!, similarity: side === 'canary' ? s[k]![b]! : s[b]![k]! };
      const other = side === 'canary' ? 'ours' : 'canary';
      let reason: string;
      if (!best) reason = `the ${other} log has no thread`;
      else if (best.similarity < MIN_PAIR_SIMILARITY)
        reason = `closest ${other} thread ${tidOf(best.thread)} is ${percent(best.similarity)} similar, below the ${percent(MIN_PAIR_SIMILARITY)} a pair needs`;
      else reason = `closest ${other} thread ${tidOf(best.thread)} (${percent(best.similarity)} similar) is paired with a thread that fits it better`;
      out.push({ side, thread: t, best, reason });
    });
    return out;
  };
  return { pairs, unpairedCanary: unpaired('canary'), unpairedOurs: unpaired('ours') };
}
