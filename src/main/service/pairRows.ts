// The rows of a pair as the context viewer shows them: aligned (equal runs,
// gaps for what one side lacks) or positional (the i-th event of each thread,
// as the reference compares them). One interface for both views.
import type { ViewMode } from '../../shared/api';
import { AlignedRows, type AlignedRow } from '../align/alignedRows';
import type { Alignment } from '../align/alignThreads';
import type { FieldDifference } from '../diff/compareEvents';
import { positionalConflicts, type ThreadSide } from '../diff/firstDivergence';

export interface PairRowsModel {
  readonly view: ViewMode;
  readonly total: number;
  at(row: number): AlignedRow;
  rowOf(side: 'canary' | 'ours', position: number): number;
}

class PositionalRows implements PairRowsModel {
  readonly view = 'positional' as const;
  readonly total: number;

  constructor(
    private readonly canaryTotal: number,
    private readonly oursTotal: number,
  ) {
    this.total = Math.max(canaryTotal, oursTotal);
  }

  at(row: number): AlignedRow {
    return { canary: row < this.canaryTotal ? row : null, ours: row < this.oursTotal ? row : null, hunk: -1 };
  }

  rowOf(_side: 'canary' | 'ours', position: number): number {
    return Math.max(0, Math.min(this.total - 1, position));
  }
}

/** A pair's alignment and both of its views. */
export class PairAlignment {
  readonly aligned: AlignedRows;
  readonly positional: PositionalRows;

  constructor(
    readonly alignment: Alignment,
    canaryTotal: number,
    oursTotal: number,
  ) {
    this.aligned = new AlignedRows(alignment, canaryTotal, oursTotal);
    this.positional = new PositionalRows(canaryTotal, oursTotal);
  }

  rows(view: ViewMode): PairRowsModel {
    return view === 'aligned' ? alignedModel(this.aligned) : this.positional;
  }

  private conflicts: Map<number, FieldDifference> | null = null;

  /** Positions of the positional view where only a pairing is broken (rules that pair values), found once. */
  positionalConflicts(c: ThreadSide, o: ThreadSide): Map<number, FieldDifference> {
    return (this.conflicts ??= positionalConflicts(c, o));
  }
}

function alignedModel(a: AlignedRows): PairRowsModel {
  return { view: 'aligned', total: a.total, at: (row) => a.at(row), rowOf: (side, position) => a.rowOf(side, position) };
}
