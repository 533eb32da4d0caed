// Rows of a pair's view as the context viewer shows them (lean event lines,
// and where the two events differ): a window of rows for 'diff/rows', and any
// run of rows for the searches' filtered list.
import type { RowView, ViewMode } from '../../shared/api';
import { rowDifference } from '../align/pairAlignment';
import type { FieldDifference } from '../diff/compareEvents';
import { compareEventsAs, equalByKey, type ThreadSide } from '../diff/firstDivergence';
import { PyError } from '../py/value';
import type { PairSides, WorkbenchContext } from './context';
import type { OpenSession } from './openSession';
import { eventLine, rowView } from './views';

type Difference = FieldDifference | { field: 'error'; description: string };

/** How a row's two events differ as the view compares them (under the session's rules, the pairing included), or null. */
function rowDiff(p: PairSides, i: number, j: number, view: ViewMode): Difference | null {
  if (view === 'aligned') {
    const d = rowDifference(p.c, i, p.o, j, p.alignment.alignment);
    return (
      d &&
      (d.field === 'error'
        ? { field: 'error', description: d.description }
        : { field: d.field, ...(d.key !== undefined ? { key: d.key } : {}), description: d.description })
    );
  }
  // Positional, as the reference compares (tid_event_idx included); where values are paired, the walk from the start decides too.
  try {
    const d = compareEventsAs(p.c, p.c.log.event(p.c.thread.threadNo, i), p.o.log.event(p.o.thread.threadNo, j));
    return d ?? p.alignment.positionalConflicts(p.c, p.o).get(i) ?? null;
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return { field: 'error', description: `the reference cannot compare these events (${e.message})` };
  }
}

/** Read the lines of a side's positions in one go when they lie close together. */
function prefetch(t: ThreadSide, positions: (number | null)[]): void {
  const ps = positions.filter((p): p is number => p !== null);
  if (ps.length) t.log.prefetch(t.thread.threadNo, Math.min(...ps), Math.max(...ps) + 1);
}

/** The rows [from, from + count) of a pair's view (fewer past its end). */
export function rowsOf(
  ctx: WorkbenchContext,
  s: OpenSession,
  pairKey: string,
  view: ViewMode,
  from: number,
  count: number,
): { total: number; rows: RowView[] } {
  const p = ctx.pair(s, pairKey);
  const model = p.alignment.rows(view);
  const to = Math.min(model.total, from + count);
  const at = Array.from({ length: Math.max(0, to - from) }, (_, k) => model.at(from + k));
  prefetch(
    p.c,
    at.map((a) => a.canary),
  );
  prefetch(
    p.o,
    at.map((a) => a.ours),
  );
  const rows = at.map((a, k) => {
    const row = from + k;
    const ce = a.canary !== null ? p.c.log.event(p.c.thread.threadNo, a.canary) : null;
    const oe = a.ours !== null ? p.o.log.event(p.o.thread.threadNo, a.ours) : null;
    let difference: Difference | null = null;
    if (ce && oe) {
      // Aligned: equal runs are equal by their keys; inside a hunk the events are compared (tid_event_idx aside).
      if (view === 'aligned') difference = a.hunk >= 0 ? rowDiff(p, a.canary!, a.ours!, view) : null;
      else if (equalByKey(p.c, p.o, row) !== true) difference = rowDiff(p, row, row, view);
    }
    return rowView(
      row,
      ce && eventLine(ce, a.canary!, p.c.log.lineNumber(p.c.thread.threadNo, a.canary!)),
      oe && eventLine(oe, a.ours!, p.o.log.lineNumber(p.o.thread.threadNo, a.ours!)),
      a.hunk,
      difference,
    );
  });
  return { total: model.total, rows };
}
