// The per-thread summary's order: the reference's order until the user sorts
// by a column. ] and [ in the viewer follow the same order as the table.
import type { PairView } from '../../shared/api';
import { tidOrder } from './tidOrder';

export type SortColumn = 'canaryTid' | 'oursTid' | 'matched' | 'canaryTotal' | 'oursTotal' | 'divergence' | 'mappedBy' | 'hunks';

const compare: Record<SortColumn, (a: PairView, b: PairView) => number> = {
  canaryTid: (a, b) => tidOrder(a.canary.tid, b.canary.tid),
  oursTid: (a, b) => tidOrder(a.ours.tid, b.ours.tid),
  matched: (a, b) => a.matched - b.matched,
  canaryTotal: (a, b) => a.canaryTotal - b.canaryTotal,
  oursTotal: (a, b) => a.oursTotal - b.oursTotal,
  // Pairs without a divergence come last in ascending order: they need no attention.
  divergence: (a, b) => (a.divergence?.position ?? Infinity) - (b.divergence?.position ?? Infinity),
  mappedBy: (a, b) => a.mappedBy.localeCompare(b.mappedBy) || (a.firstCallName ?? '').localeCompare(b.firstCallName ?? ''),
  // By how far apart the threads are: events in hunks (a pair the alignment gave up on, last).
  hunks: (a, b) => Number(!a.alignment.aligned) - Number(!b.alignment.aligned) || a.alignment.cost - b.alignment.cost,
};

export class SummarySort {
  column = $state<SortColumn | null>(null);
  direction = $state<1 | -1>(1);

  /** Click on a header: sort by it, or flip the direction; a third click restores the report's order. */
  toggle(column: SortColumn): void {
    if (this.column !== column) {
      this.column = column;
      this.direction = 1;
    } else if (this.direction === 1) {
      this.direction = -1;
    } else {
      this.column = null;
      this.direction = 1;
    }
  }

  apply(pairs: readonly PairView[]): PairView[] {
    const column = this.column;
    if (column === null) return [...pairs];
    const dir = this.direction;
    // Stable: ties keep the report's order.
    return pairs
      .map((p, i) => ({ p, i }))
      .sort((x, y) => dir * compare[column](x.p, y.p) || x.i - y.i)
      .map((x) => x.p);
  }

  ariaSort(column: SortColumn): 'ascending' | 'descending' | 'none' {
    return this.column !== column ? 'none' : this.direction === 1 ? 'ascending' : 'descending';
  }
}
