// The context viewer's requests: windows of aligned rows, jumps, seeks.
import type { RowView } from '../../../shared/api';
import { compareEvents, type FieldDifference } from '../../diff/compareEvents';
import { equalByKey, firstDivergence, lastDivergence } from '../../diff/firstDivergence';
import { PyError } from '../../py/value';
import type { Handlers, WorkbenchContext } from '../context';
import { eventView, rowView } from '../views';

export function diffHandlers(ctx: WorkbenchContext): Handlers<'diff/rows' | 'diff/jump' | 'diff/seek'> {
  return {
    'diff/rows': ({ sessionId, pairKey, from, count }) => {
      const s = ctx.session(sessionId);
      const { c, o, total } = ctx.pair(s, pairKey);
      const rows: RowView[] = [];
      c.log.prefetch(c.thread.threadNo, from, from + count);
      o.log.prefetch(o.thread.threadNo, from, from + count);
      for (let pos = from; pos < Math.min(total, from + count); pos++) {
        const ce = pos < c.thread.eventCount ? c.log.event(c.thread.threadNo, pos, s.canonicalize) : null;
        const oe = pos < o.thread.eventCount ? o.log.event(o.thread.threadNo, pos, s.canonicalize) : null;
        let difference: FieldDifference | { field: 'error'; description: string } | null = null;
        if (ce && oe && equalByKey(c, o, pos, s.canonicalize) !== true) {
          try {
            difference = compareEvents(ce, oe);
          } catch (e) {
            if (!(e instanceof PyError)) throw e;
            difference = { field: 'error', description: `the reference cannot compare these events (${e.message})` };
          }
        }
        rows.push(
          rowView(
            pos,
            ce && eventView(ce, pos, c.log.lineNumber(c.thread.threadNo, pos)),
            oe && eventView(oe, pos, o.log.lineNumber(o.thread.threadNo, pos)),
            difference,
          ),
        );
      }
      return { total, rows };
    },

    'diff/jump': ({ sessionId, pairKey, side, tidEventIdx }) => {
      const s = ctx.session(sessionId);
      const { c, o } = ctx.pair(s, pairKey);
      const t = side === 'canary' ? c : o;
      const position = Math.min(t.log.positionOfIdx(t.thread.threadNo, tidEventIdx), Math.max(0, t.thread.eventCount - 1));
      const [block, i] = t.log.locate(t.thread.threadNo, position);
      return { position, exact: t.thread.eventCount > 0 && block.idx[i] === tidEventIdx };
    },

    'diff/seek': ({ sessionId, pairKey, from, direction }) => {
      const s = ctx.session(sessionId);
      const { c, o, n, total } = ctx.pair(s, pairKey);
      if (direction === 1) {
        const start = from + 1;
        if (start < n) {
          const d = firstDivergence(c, o, s.canonicalize, start, n);
          if (d) return { position: d.position };
        }
        const onlyOne = Math.max(start, n); // rows past the shorter thread always differ
        return { position: onlyOne < total ? onlyOne : null };
      }
      const start = Math.min(from - 1, total - 1);
      if (start < 0) return { position: null };
      if (start >= n) return { position: start };
      const d = lastDivergence(c, o, s.canonicalize, start, 0);
      return { position: d ? d.position : null };
    },
  };
}
