// How alike two threads' whole streams are, from their features in the index
// (store/threadFeatures.ts): the share of call-name 3-grams they have in
// common, their calls by name and count, their lengths, their first calls,
// their entry points and where each engine created them. One number in [0, 1]
// and the evidence behind it, for the similarity mapping (similarityMap.ts).
import { EMPTY_BIN, type ThreadFeatures } from '../store/threadFeatures';

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
  /** Which sketch bins are filled, 32 bins a word. */
  filledMask: Int32Array;
  /** The first call's id among `ids`, or -1 (no call). */
  firstCallId: number;
}

/** Prepare one side's threads; `ids` gives names the same id on both sides. */
export function prepareThreads(threads: { eventCount: number }[], features: ThreadFeatures[], ids: Map<string, number>): PreparedThread[] {
  const n = threads.length;
  const idOf = (name: string): number => {
    let id = ids.get(name);
    if (id === undefined) ids.set(name, (id = ids.size));
    return id;
  };
  return threads.map((t, i) => {
    const f = features[i]!;
    const entries = f.names.map(([name, count]) => [idOf(name), count] as const);
    entries.sort((a, b) => a[0] - b[0]);
    const filledMask = new Int32Array(f.shingles.length >>> 5);
    f.shingles.forEach((v, bin) => {
      if (v !== EMPTY_BIN) filledMask[bin >>> 5]! |= 1 << (bin & 31);
    });
    return {
      events: t.eventCount,
      place: n > 1 ? i / (n - 1) : 0,
      features: f,
      nameIds: Int32Array.from(entries, (e) => e[0]),
      nameCounts: Float64Array.from(entries, (e) => e[1]),
      nameTotal: f.calls,
      filledMask,
      firstCallId: f.firstCalls.length > 0 ? idOf(f.firstCalls[0]!) : -1,
    };
  });
}

/**
 * Jaccard similarity of two sets from their one-permutation MinHash sketches
 * (Li, Owen and Zhang 2012): of the bins either set fills, the share where both
 * hold the same smallest hash. Without branches: it runs a million times for
 * 1,000 threads a side.
 */
export function sketchJaccard(a: Int32Array, b: Int32Array): number {
  let filled = 0;
  let same = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    filled += +((x & y) !== EMPTY_BIN);
    same += +(x === y && x !== EMPTY_BIN);
  }
  return filled === 0 ? 1 : same / filled;
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
  return namesShare(a, b, min);
}

/** Sum of minima over sum of maxima, where sum of maxima = total A + total B - sum of minima (names not kept count as unshared). */
export function namesShare(a: PreparedThread, b: PreparedThread, sumOfMinima: number): number {
  const max = a.nameTotal + b.nameTotal - sumOfMinima;
  return max === 0 ? 1 : sumOfMinima / max;
}

export function evidence(a: PreparedThread, b: PreparedThread): SimilarityEvidence {
  const fa = a.features;
  const fb = b.features;
  const anyCalls = fa.calls > 0 || fb.calls > 0;
  const bothCall = fa.calls > 0 && fb.calls > 0;
  return {
    callSequence: anyCalls ? sketchJaccard(fa.shingles, fb.shingles) : null,
    callNames: anyCalls ? namesJaccard(a, b) : null,
    length: lengthShare(a, b),
    firstCall: bothCall ? fa.firstCalls[0] === fb.firstCalls[0] : null,
    entry: fa.entry !== null && fb.entry !== null ? fa.entry === fb.entry : null,
    creationOrder: 1 - Math.abs(a.place - b.place),
  };
}

/** The evidence weighed into one number in [0, 1]; evidence that is not there for this pair (null) is left out of the weighing. */
export function similarity(e: SimilarityEvidence): number {
  return weigh(e.callSequence, e.callNames, e.length, e.firstCall, e.entry, e.creationOrder);
}

/** similarity() on the evidence's values, without an object: the inner loop of a 1,000 × 1,000 matrix (similarityMatrix.ts). */
export function weigh(
  callSequence: number | null,
  callNames: number | null,
  length: number,
  firstCall: boolean | null,
  entry: boolean | null,
  creationOrder: number,
): number {
  let sum = WEIGHTS.length * length + WEIGHTS.creationOrder * creationOrder;
  let weight = WEIGHTS.length + WEIGHTS.creationOrder;
  if (callSequence !== null) {
    sum += WEIGHTS.callSequence * callSequence;
    weight += WEIGHTS.callSequence;
  }
  if (callNames !== null) {
    sum += WEIGHTS.callNames * callNames;
    weight += WEIGHTS.callNames;
  }
  if (firstCall !== null) {
    weight += WEIGHTS.firstCall;
    if (firstCall) sum += WEIGHTS.firstCall;
  }
  if (entry !== null) {
    weight += WEIGHTS.entry;
    if (entry) sum += WEIGHTS.entry;
  }
  return sum / weight;
}

/** Smaller event count over larger. */
export function lengthShare(a: PreparedThread, b: PreparedThread): number {
  const longer = Math.max(a.events, b.events);
  return longer === 0 ? 1 : Math.min(a.events, b.events) / longer;
}
