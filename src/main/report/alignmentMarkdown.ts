// A pair's alignment in Markdown: a line on the pair as a whole (its hunks by
// kind, where the streams come back in step, or where the alignment gave up),
// then every hunk with a few events of context, marked as a unified diff is:
// `-` only in canary, `+` only in ours, two spaces for events in both.
import { describeAlignment, describeHunk, hunkDetail, sides } from '../align/pairAlignment';
import type { Alignment } from '../align/alignThreads';
import type { PairResult } from '../diff/diffLogs';
import type { ThreadSide } from '../diff/firstDivergence';
import { pyStr } from '../py/format';
import { eventLine as line, type ReportContext } from './reportContext';

/** Events of context before and after each hunk. */
export const CONTEXT = 2;
/** Events of a hunk's side shown before "… and N more". */
export const SHOWN = 8;

export function renderAlignment(ctx: ReportContext, r: PairResult, a: Alignment, out: string[]): void {
  const { c, o } = sides(r, ctx.canary, ctx.ours);
  out.push(`### Alignment (canary_tid=${pyStr(r.canaryTid)} → ours_tid=${pyStr(r.oursTid)})`);
  out.push('');
  out.push(describeAlignment(a, r.canaryTotal, r.oursTotal) + '.');
  out.push('');
  a.hunks.forEach((h, n) => {
    const d = hunkDetail(c, o, h, a);
    out.push(`#### Hunk ${n + 1}: ${h.op} — ${describeHunk(d)}`);
    out.push('');
    out.push('```diff');
    const before = Math.min(CONTEXT, h.canary[0], h.ours[0]);
    for (let k = before; k > 0; k--) out.push(`  ${line(c, h.canary[0] - k)}   ↔ ours ${line(o, h.ours[0] - k)}`);
    const side = (s: ThreadSide, r0: [number, number], mark: string, name: string): void => {
      const n = r0[1] - r0[0];
      for (let p = r0[0]; p < Math.min(r0[1], r0[0] + SHOWN); p++) out.push(`${mark} ${name} ${line(s, p)}`);
      if (n > SHOWN) out.push(`${mark} ${name} … and ${n - SHOWN} more`);
    };
    side(c, h.canary, '-', 'canary');
    side(o, h.ours, '+', 'ours  ');
    const after = Math.min(CONTEXT, r.canaryTotal - h.canary[1], r.oursTotal - h.ours[1]);
    for (let k = 0; k < after; k++) out.push(`  ${line(c, h.canary[1] + k)}   ↔ ours ${line(o, h.ours[1] + k)}`);
    out.push('```');
    out.push('');
  });
}
