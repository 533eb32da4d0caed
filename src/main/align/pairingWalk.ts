// Value pairing along an alignment (docs/rules.md): the alignment by keys
// leaves paired values out, so its equal runs hold events equal apart from
// them. Walking the runs in order builds the pairs; an event whose values
// break a pairing becomes a replace hunk of its own (and makes no pairs).
// Hunks make no pairs either: only events equal in everything else do.
import { DFLAG_PAIRED } from '../diff/deriveKeys';
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
  if (!dc?.pairedStart || !dov?.pairedStart) return { alignment: a, conflicts: new Map() };
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
  const sameKeys = (i: number, j: number): boolean => {
    const p = 4 * i;
    const q = 4 * j;
    return dc.keys[p] === dov.keys[q] && dc.keys[p + 1] === dov.keys[q + 1] && dc.keys[p + 2] === dov.keys[q + 2] && dc.keys[p + 3] === dov.keys[q + 3];
  };
  /** The equal run from (i, j) to canary position end. */
  const run = (i: number, j: number, end: number): void => {
    for (; i < end; i++, j++) {
      if ((dc.flags[i]! & DFLAG_PAIRED) === 0) continue;
      const conflict = pairing.check(dc, i, dov, j);
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
    if (h.op === 'replace' && sameKeys(h.canary[0], h.ours[0]) && (dc.flags[h.canary[0]]! & DFLAG_PAIRED) !== 0) {
      const conflict = pairing.check(dc, h.canary[0], dov, h.ours[0]);
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
