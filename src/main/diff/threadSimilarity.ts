// How alike two threads' whole streams are, from their features in the index
// (store/threadFeatures.ts): the share of call-name 3-grams they have in
// common, their calls by name and count, their lengths, their first calls,
// their entry points and where each engine created them. One number in [0, 1]
// and the evidence behind it, for the similarity mapping (similarityMap.ts).
import type { ThreadFeatures } from '../store/threadFeatures';

/**
 * The weight of each kind of evidence. The call sequence carries most: it is
 * the thread's behaviour, and an engine bug changes a few calls of it, not
 * most. Call names and counts tell apart threads running the same loop a
 * different number of times. The first call is the reference's whole
 * criterion and stays a hint; creation order is what the engines disagree on
 * (issue 14) and only breaks ties between threads that look the same.
 */
const WEIGHTS = { callSequence: 0.45, callNames: 0.25, length: 0.1, firstCall: 0.08, entry: 0.07, creationOrder: 0.05 };

export interface SimilarityEvidence {
  /** Estimated share of distinct call-name 3-grams the two threads have in common (null: neither makes a call). */
  callSequence: number | null;
  /** Calls by name and count in common: sum of the smaller counts over sum of the larger (null: neither makes a call). */
  callNames: number | null;
  /** Smaller event count over larger. */
  length: number;
  /** Both threads' first call is the same name (null: one makes no call). */
  firstCall: boolean | null;
  /** Both threads' first thread.create payloads are equal (null: not both have one). */
  entry: boolean | null;
  /** How close the threads' places are in their engine's creation order (1: the same place). */
  creationOrder: number;
}

/** A thread's features prepared for many comparisons: names as sorted ids. */
export interface PreparedThread {
  events: number;
  /** Rank in its log's creation order, scaled to [0, 1]. */
  place: number;
  features: ThreadFeatures;
  nameIds: Int32Array;
  nameCounts: Float64Array;
  /** Calls counted: kept names plus the rest. */
  nameTotal: number;
}

/** Prepare one side's threads; `ids` gives names the same id on both sides. */
export function prepareThreads(threads: { eventCount: number }[], features: ThreadFeatures[], ids: Map<string, number>): PreparedThread[] {
  const n = threads.length;
  return threads.map((t, i) => {
    const f = features[i]!;
    const entries = f.names.map(([name, count]) => {
      let id = ids.get(name);
      if (id === undefined) ids.set(name, (id = ids.size));
      return [id, count] as const;
    });
    entries.sort((a, b) => a[0] - b[0]);
    return {
      events: t.eventCount,
      place: n > 1 ? i / (n - 1) : 0,
      features: f,
      nameIds: Int32Array.from(entries, (e) => e[0]),
      nameCounts: Float64Array.from(entries, (e) => e[1]),
      nameTotal: f.calls,
    };
  });
}

/**
 * Jaccard similarity of two sets from their bottom-k sketches (Broder): among
 * the k smallest hashes of the union, the share found in both. Only hashes
 * below what both sketches saw whole count (a full sketch stops at its largest).
 */
export function sketchJaccard(a: Uint32Array, b: Uint32Array, k: number): number {
  if (a.length === 0 && b.length === 0) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  const limit = Math.min(a.length === k ? a[k - 1]! : 0xffffffff, b.length === k ? b[k - 1]! : 0xffffffff);
  let i = 0;
  let j = 0;
  let union = 0;
  let both = 0;
  while (union < k && (i < a.length || j < b.length)) {
    const x = i < a.length ? a[i]! : 0x100000000;
    const y = j < b.length ? b[j]! : 0x100000000;
    const v = Math.min(x, y);
    if (v > limit) break;
    union++;
    if (x === y) {
      both++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return union === 0 ? 0 : both / union;
}

/** Weighted Jaccard of two call-name histograms (sum of minima over sum of maxima); uncounted calls only add to the maxima. */
function namesJaccard(a: PreparedThread, b: PreparedThread): number {
  let i = 0;
  let j = 0;
  let min = 0;
  while (i < a.nameIds.length && j < b.nameIds.length) {
    const x = a.nameIds[i]!;
    const y = b.nameIds[j]!;
    if (x === y) min += Math.min(a.nameCounts[i++]!, b.nameCounts[j++]!);
    else if (x < y) i++;
    else j++;
  }
  // Sum of maxima = total A + total B - sum of minima (names not kept count as unshared).
  const max = a.nameTotal + b.nameTotal - min;
  return max === 0 ? 1 : min / max;
}

export function evidence(a: PreparedThread, b: PreparedThread, sketchSize: number): SimilarityEvidence {
  const fa = a.features;
  const fb = b.features;
  const anyCalls = fa.calls > 0 || fb.calls > 0;
  const bothCall = fa.calls > 0 && fb.calls > 0;
  return {
    callSequence: anyCalls ? sketchJaccard(fa.shingles, fb.shingles, sketchSize) : null,
    callNames: anyCalls ? namesJaccard(a, b) : null,
    length: Math.max(a.events, b.events) === 0 ? 1 : Math.min(a.events, b.events) / Math.max(a.events, b.events),
    firstCall: bothCall ? fa.firstCalls[0] === fb.firstCalls[0] : null,
    entry: fa.entry !== null && fb.entry !== null ? fa.entry === fb.entry : null,
    creationOrder: 1 - Math.abs(a.place - b.place),
  };
}

/** The evidence weighed into one number in [0, 1]; evidence that is not there for this pair (null) is left out of the weighing. */
export function similarity(e: SimilarityEvidence): number {
  let sum = WEIGHTS.length * e.length + WEIGHTS.creationOrder * e.creationOrder;
  let weight = WEIGHTS.length + WEIGHTS.creationOrder;
  if (e.callSequence !== null) {
    sum += WEIGHTS.callSequence * e.callSequence;
    weight += WEIGHTS.callSequence;
  }
  if (e.callNames !== null) {
    sum += WEIGHTS.callNames * e.callNames;
    weight += WEIGHTS.callNames;
  }
  if (e.firstCall !== null) {
    sum += WEIGHTS.firstCall * (e.firstCall ? 1 : 0);
    weight += WEIGHTS.firstCall;
  }
  if (e.entry !== null) {
    sum += WEIGHTS.entry * (e.entry ? 1 : 0);
    weight += WEIGHTS.entry;
  }
  return sum / weight;
}

/** The score alone, without building the evidence object: the inner loop of a 1,000 × 1,000 matrix. */
export function similarityOf(a: PreparedThread, b: PreparedThread, sketchSize: number): number {
  return similarity(evidence(a, b, sketchSize));
}
