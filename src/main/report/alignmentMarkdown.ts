// A pair's alignment in Markdown: a line on the pair as a whole (its hunks by
// kind, where the streams come back in step, or where the alignment gave up),
// then every hunk with a few events of context, marked as a unified diff is:
// `-` only in canary, `+` only in ours, two spaces for events in both.
import { backInStep, describeHunk, hunkCounts, hunkDetail, sides } from '../align/pairAlignment';
import type { Alignment } from '../align/alignThreads';
import type { PairResult } from '../diff/diffLogs';
import type { ThreadSide } from '../diff/firstDivergence';
import { pyStr } from '../py/format';
import { PyError } from '../py/value';
import { renderEvent } from './renderEvent';
import type { ReportContext } from './reportContext';

/** Events of context before and after each hunk. */
const CONTEXT = 2;
/** Events of a hunk's side shown before "… and N more". */
const SHOWN = 8;

function line(s: ThreadSide, pos: number, canonicalize: boolean): string {
  const ev = s.log.event(s.thread.threadNo, pos, canonicalize);
  try {
    return renderEvent(ev);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return `[${pyStr(ev.get('tid_event_idx'))}] ${pyStr(ev.get('kind'))} (payload unreadable: ${e.message})`;
  }
}

/** "+1 −0 ~3"-style counts, in words for a report. */
function alignmentSummary(a: Alignment, r: PairResult): string {
  const c = hunkCounts(a);
  if (a.hunks.length === 0) return 'aligned: no hunk (the streams are equal, tid_event_idx aside)';
  const parts = [
    `${c.insert} insert${c.insert === 1 ? '' : 's'}`,
    `${c.delete} delete${c.delete === 1 ? '' : 's'}`,
    `${c.replace} replace${c.replace === 1 ? '' : 's'}`,
  ];
  const back = backInStep(a, r.canaryTotal, r.oursTotal);
  const where = !a.aligned
    ? `not realigned after canary ${a.stoppedAt!.canary} / ours ${a.stoppedAt!.ours}: the streams differ too much`
    : back
      ? `back in step from canary ${back.canary} / ours ${back.ours} to the end`
      : 'not back in step before a stream ends';
  return `${a.hunks.length} ${a.hunks.length === 1 ? 'hunk' : 'hunks'} (${parts.join(', ')}); ${where}`;
}

export function renderAlignment(ctx: ReportContext, r: PairResult, a: Alignment, out: string[]): void {
  const { c, o } = sides(r, ctx.canary, ctx.ours);
  const canon = ctx.result.canonicalize;
  out.push(`### Alignment (canary_tid=${pyStr(r.canaryTid)} → ours_tid=${pyStr(r.oursTid)})`);
  out.push('');
  out.push(alignmentSummary(a, r) + '.');
  out.push('');
  a.hunks.forEach((h, n) => {
    const d = hunkDetail(c, o, h, canon);
    out.push(`#### Hunk ${n + 1}: ${h.op} — ${describeHunk(d)}`);
    out.push('');
    out.push('```diff');
    const before = Math.min(CONTEXT, h.canary[0], h.ours[0]);
    for (let k = before; k > 0; k--) out.push(`  ${line(c, h.canary[0] - k, canon)}   ↔ ours ${line(o, h.ours[0] - k, canon)}`);
    const side = (s: ThreadSide, r0: [number, number], mark: string, name: string): void => {
      const n = r0[1] - r0[0];
      for (let p = r0[0]; p < Math.min(r0[1], r0[0] + SHOWN); p++) out.push(`${mark} ${name} ${line(s, p, canon)}`);
      if (n > SHOWN) out.push(`${mark} ${name} … and ${n - SHOWN} more`);
    };
    side(c, h.canary, '-', 'canary');
    side(o, h.ours, '+', 'ours  ');
    const after = Math.min(CONTEXT, r.canaryTotal - h.canary[1], r.oursTotal - h.ours[1]);
    for (let k = 0; k < after; k++) out.push(`  ${line(c, h.canary[1] + k, canon)}   ↔ ours ${line(o, h.ours[1] + k, canon)}`);
    out.push('```');
    out.push('');
  });
}
