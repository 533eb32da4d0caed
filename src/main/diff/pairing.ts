// Value pairing (docs/rules.md): at events that are otherwise equal, the
// canary value and the ours value of a paired field are paired; from then on
// a value matches only its partner, in both directions, within its domain
// (the returns of one allocator, as the reference numbers them per
// allocator; the values of one pair rule). Where the reference
// numbers allocator returns per thread (so one extra allocation in ours shifts
// every later ordinal, and every later return differs), pairing asks only
// that the two engines use their values consistently.
import type { DerivedThread } from './derivedThread';

/** Where a paired value breaks its pairing. */
export interface PairingConflict {
  /** The paired field's index (CompiledRules.paired). */
  field: number;
  /** The value canary's is paired with already (as a key), or null; likewise ours'. */
  canaryPartner: string | null;
  oursPartner: string | null;
}

/** A value in its pairing domain (an allocator's returns, a rule's field). */
const key = (domain: number, w: Uint32Array, at: number): string => `${domain}:${w[at]},${w[at + 1]},${w[at + 2]},${w[at + 3]}`;

/** The pairs of one pair of threads, built along the comparison in order. */
export class Pairing {
  private readonly c2o = new Map<string, string>();
  private readonly o2c = new Map<string, string>();

  /**
   * Check canary's change `ci` against ours' change `oi` (events equal apart
   * from their paired values, so their paired fields are the same ones) and,
   * when every value is consistent with the pairs so far, record the new pairs.
   */
  check(dc: DerivedThread, ci: number, dov: DerivedThread, oi: number): PairingConflict | null {
    const pc = dc.paired!;
    const po = dov.paired!;
    const a0 = pc.start[ci]!;
    const a1 = pc.start[ci + 1]!;
    const b0 = po.start[oi]!;
    if (a1 === a0) return null;
    const added: string[] = [];
    for (let k = 0; a0 + k < a1; k++) {
      const a = key(pc.domain[a0 + k]!, pc.values, 4 * (a0 + k));
      const b = key(po.domain[b0 + k]!, po.values, 4 * (b0 + k));
      const pa = this.c2o.get(a);
      const pb = this.o2c.get(b);
      if (pa === undefined && pb === undefined) {
        this.c2o.set(a, b);
        this.o2c.set(b, a);
        added.push(a, b);
        continue;
      }
      if (pa === b) continue;
      // Undo what this event added: an event that breaks a pairing makes no pairs.
      for (let x = 0; x < added.length; x += 2) {
        this.c2o.delete(added[x]!);
        this.o2c.delete(added[x + 1]!);
      }
      return { field: pc.field[a0 + k]!, canaryPartner: pa ?? null, oursPartner: pb ?? null };
    }
    return null;
  }
}
