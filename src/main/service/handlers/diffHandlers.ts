// The context viewer's requests: windows of rows (aligned or positional), the
// selected row in full, the hunks, the overview ruler, seeks and jumps. Every
// answer is bounded: rows carry lean event lines, the detail pane asks for
// one row, long values are elided unless asked for whole.
import { showControls } from '../../../shared/visibleControls';
import type { OverviewMark, ViewMode } from '../../../shared/api';
import { describeHunk, hunkDetail, rowDifference } from '../../align/pairAlignment';
import { firstDivergence, lastDivergence, type ThreadSide } from '../../diff/firstDivergence';
import type { PyDict } from '../../py/value';
import type { Handlers, PairSides, WorkbenchContext } from '../context';
import { rowsOf } from '../rowViews';
import { differenceView, eventDetail } from '../views';

/** Merge hunks into at most `buckets` marks over `total` rows, the first divergence (positional view) its own mark. */
function overview(p: PairSides, view: ViewMode, buckets: number, divergence: number | null): OverviewMark[] {
  if (view === 'positional') return divergence === null ? [] : [{ row: divergence, rows: 1, op: 'divergence' }];
  const rows = p.alignment.aligned;
  const per = Math.max(1, rows.total / buckets);
  const marks: OverviewMark[] = [];
  for (let k = 0; k < rows.hunkCount; k++) {
    const row = rows.hunkRow(k);
    const n = rows.hunkRows(k);
    const last = marks[marks.length - 1];
    const op = rows.hunk(k).op;
    // Hunks that fall in one bucket become one mark (a replace wins over the others: it is the most telling).
    if (last && Math.floor(row / per) <= Math.floor((last.row + last.rows - 1) / per)) {
      last.rows = Math.max(last.rows, row + n - last.row);
      if (op === 'replace' || (last.op !== 'replace' && last.op !== op)) last.op = op === 'replace' ? 'replace' : last.op;
      continue;
    }
    marks.push({ row, rows: n, op });
  }
  return marks;
}

export function diffHandlers(
  ctx: WorkbenchContext,
): Handlers<'diff/rows' | 'diff/detail' | 'diff/hunks' | 'diff/overview' | 'diff/jump' | 'diff/locate' | 'diff/seek'> {
  return {
    'diff/rows': ({ sessionId, pairKey, view, from, count }) => rowsOf(ctx, ctx.session(sessionId), pairKey, view, from, count),

    'diff/detail': ({ sessionId, pairKey, view, row, full }) => {
      const s = ctx.session(sessionId);
      const p = ctx.pair(s, pairKey);
      const model = p.alignment.rows(view);
      const a = model.at(Math.min(row, Math.max(0, model.total - 1)));
      const read = (t: ThreadSide, pos: number | null): PyDict | null => (pos === null ? null : t.log.event(t.thread.threadNo, pos));
      const ce = read(p.c, a.canary);
      const oe = read(p.o, a.ours);
      const bytes = (t: ThreadSide, pos: number): number => t.log.lineLength(t.thread.threadNo, pos);
      // The aligned view leaves tid_event_idx out of the comparison; the positional one, as the reference, does not.
      const d = ce && oe ? rowDifference(p.c, a.canary!, p.o, a.ours!, p.alignment.alignment, { ignoreIdx: view === 'aligned' }) : null;
      const difference = d && differenceView(d);
      return {
        row,
        status: ce && oe ? (difference ? 'differs' : 'same') : ce ? 'only-canary' : 'only-ours',
        hunk: a.hunk,
        canary: ce && eventDetail(ce, a.canary!, p.c.log.lineNumber(p.c.thread.threadNo, a.canary!), bytes(p.c, a.canary!), full ?? false),
        ours: oe && eventDetail(oe, a.ours!, p.o.log.lineNumber(p.o.thread.threadNo, a.ours!), bytes(p.o, a.ours!), full ?? false),
        difference,
      };
    },

    'diff/hunks': ({ sessionId, pairKey, from, count }) => {
      const s = ctx.session(sessionId);
      const p = ctx.pair(s, pairKey);
      const rows = p.alignment.aligned;
      const hunks = [];
      const signatures = s.triage.ofPair(s, pairKey);
      const cmp = s.triage.comparison(s, ctx.sessionsDb);
      for (let k = from; k < Math.min(rows.hunkCount, from + count); k++) {
        const h = rows.hunk(k);
        const sig = signatures[k]!;
        hunks.push({
          index: k,
          op: h.op,
          row: rows.hunkRow(k),
          rows: rows.hunkRows(k),
          canary: [h.canary[0], h.canary[1]] as [number, number],
          ours: [h.ours[0], h.ours[1]] as [number, number],
          description: showControls(describeHunk(hunkDetail(p.c, p.o, h, p.alignment.alignment))),
          signature: { id: sig.id, text: showControls(sig.text), title: showControls(sig.title) },
          baseline: cmp ? (cmp.known.get(sig.id) ? ('known' as const) : ('new' as const)) : null,
        });
      }
      return { total: rows.hunkCount, hunks };
    },

    'diff/overview': ({ sessionId, pairKey, view, buckets }) => {
      const s = ctx.session(sessionId);
      const p = ctx.pair(s, pairKey);
      const model = p.alignment.rows(view);
      const pair = s.result.pairs.find((r) => r.canaryThread.tidKey === pairKey)!;
      const bookmarks = ctx.bookmarksOf(s, pairKey).map((b) => ({
        id: b.id,
        row: b.canaryPosition !== null ? model.rowOf('canary', b.canaryPosition) : model.rowOf('ours', b.oursPosition!),
      }));
      return { total: model.total, marks: overview(p, view, buckets, pair.divergence?.position ?? null), bookmarks };
    },

    'diff/jump': ({ sessionId, pairKey, view, side, tidEventIdx }) => {
      const s = ctx.session(sessionId);
      const p = ctx.pair(s, pairKey);
      const t = side === 'canary' ? p.c : p.o;
      const position = Math.min(t.log.positionOfIdx(t.thread.threadNo, tidEventIdx), Math.max(0, t.thread.eventCount - 1));
      return {
        position,
        exact: t.thread.eventCount > 0 && t.log.idxAt(t.thread.threadNo, position) === tidEventIdx,
        row: p.alignment.rows(view).rowOf(side, position),
      };
    },

    'diff/locate': ({ sessionId, pairKey, view, side, position }) => {
      const s = ctx.session(sessionId);
      return { row: ctx.pairRows(s, pairKey, view).rowOf(side, position) };
    },

    'diff/seek': ({ sessionId, pairKey, view, from, direction }) => {
      const s = ctx.session(sessionId);
      const p = ctx.pair(s, pairKey);
      if (view === 'aligned') {
        const rows = p.alignment.aligned;
        const k = rows.adjacentHunk(from, direction);
        return k === null ? { row: null, hunk: null } : { row: rows.hunkRow(k), hunk: k };
      }
      // Positional, as the reference compares: the next (previous) position that differs.
      const { c, o, n, total } = p;
      if (direction === 1) {
        const start = from + 1;
        if (start < n) {
          const d = firstDivergence(c, o, start, n);
          if (d) return { row: d.position, hunk: null };
        }
        const onlyOne = Math.max(start, n); // rows past the shorter thread always differ
        return { row: onlyOne < total ? onlyOne : null, hunk: null };
      }
      const start = Math.min(from - 1, total - 1);
      if (start < 0) return { row: null, hunk: null };
      if (start >= n) return { row: start, hunk: null };
      const d = lastDivergence(c, o, start, 0);
      return { row: d ? d.position : null, hunk: null };
    },
  };
}
