// Value pairing along an alignment (docs/rules.md): the alignment by keys
// leaves paired values out, so its equal runs hold events equal apart from
// them. Walking the runs in order builds the pairs; an event whose values
// break a pairing becomes a replace hunk of its own (and makes no pairs).
// Hunks make no pairs either: only events equal in everything else do.
import { DFLAG_PAIRED } from '../diff/derivedThread';
import type { ThreadSide } from '../diff/firstDivergence';
import { Pairing, type PairingConflict } from '../diff/pairing';
import type { Alignment, Hunk } from '../store/alignments';

export interface PairingWalk {
  alignment: Alignment;
  /** The events that break a pairing, by canary position (each a 1×1 replace hunk). */
  conflicts: Map<number, PairingConflict>;
}

function opOf(h: Hunk): Hunk['op'] {
  return h.canary[0] === h.canary[1] ? 'insert' : h.ours[0] === h.ours[1] ? 'delete' : 'replace';
}

const walks = new WeakMap<Alignment, PairingWalk>();

/**
 * The pairing along an alignment. Given the alignment by keys, it returns
 * the alignment with the breaking events as hunks; given that result again
 * (a kept alignment), it finds the same breaking events among its hunks.
 */
export function pairingWalk(a: Alignment, c: ThreadSide, o: ThreadSide): PairingWalk {
  const dc = c.log.derived(c.thread.threadNo);
  const dov = o.log.derived(o.thread.threadNo);
  if (!dc?.paired || !dov?.paired) return { alignment: a, conflicts: new Map() };
  const seen = walks.get(a);
  if (seen) return seen;
  const pairing = new Pairing();
  const conflicts = new Map<number, PairingConflict>();
  const hunks: Hunk[] = [];
  const push = (h: Hunk): void => {
    const last = hunks[hunks.length - 1];
    if (last && last.canary[1] === h.canary[0] && last.ours[1] === h.ours[0]) {
      last.canary[1] = h.canary[1];
      last.ours[1] = h.ours[1];
      last.op = opOf(last);
    } else hunks.push({ op: h.op, canary: [h.canary[0], h.canary[1]], ours: [h.ours[0], h.ours[1]] });
  };
  /** Two changed events with equal keys (only changed events have paired values): their changes' indices, or null. */
  const pairedBoth = (i: number, j: number): [number, number] | null => {
    const ci = dc.changeAt(i);
    const oi = dov.changeAt(j);
    if (ci < 0 || oi < 0 || !dc.isPaired(ci) || !dov.isPaired(oi)) return null;
    for (let w = 0; w < 4; w++) if (dc.changedKeys[4 * ci + w] !== dov.changedKeys[4 * oi + w]) return null;
    return [ci, oi];
  };
  /** The equal run from (i, j) to canary position end: only its changed events can hold paired values. */
  const run = (i0: number, j0: number, end: number): void => {
    for (let c = dc.firstChangeFrom(i0); c < dc.changed.length && dc.changed[c]! < end; c++) {
      if ((dc.changedFlags[c]! & DFLAG_PAIRED) === 0) continue;
      const i = dc.changed[c]!;
      const j = j0 + (i - i0);
      const oi = dov.changeAt(j);
      if (oi < 0) continue;
      const conflict = pairing.check(dc, c, dov, oi);
      if (!conflict) continue;
      conflicts.set(i, conflict);
      push({ op: 'replace', canary: [i, i + 1], ours: [j, j + 1] });
    }
  };
  let i = 0;
  let j = 0;
  for (const h of a.hunks) {
    run(i, j, h.canary[0]);
    // A kept alignment's own breaking events: a hunk that starts with two events equal by their keys.
    const both = h.op === 'replace' ? pairedBoth(h.canary[0], h.ours[0]) : null;
    if (both) {
      const conflict = pairing.check(dc, both[0], dov, both[1]);
      if (conflict) conflicts.set(h.canary[0], conflict);
    }
    push(h);
    i = h.canary[1];
    j = h.ours[1];
  }
  if (!a.stoppedAt) run(i, j, Math.min(dc.length, i + (dov.length - j)));
  let cost = 0;
  for (const h of hunks) cost += h.canary[1] - h.canary[0] + (h.ours[1] - h.ours[0]);
  const result: PairingWalk = { alignment: { hunks, aligned: a.aligned, stoppedAt: a.stoppedAt, cost }, conflicts };
  walks.set(a, result);
  walks.set(result.alignment, result);
  return result;
}
