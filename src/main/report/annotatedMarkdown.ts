// The reference report with each pair's alignment (every hunk, with context)
// and the session's bookmarks and notes woven in under their pairs.
// Everything the reference prints is kept as it is; Lockstep's additions are
// their own sections.
import { pyStr } from '../py/format';
import { pyJsonLoads } from '../py/parse';
import { renderReferencePair, renderReferenceSummary } from './referenceMarkdown';
import { renderAlignment } from './alignmentMarkdown';
import { percent } from '../diff/similarityMap';
import {
  bookmarkPlace,
  bookmarksByPair,
  explanationLine,
  mappingSentence,
  pairAlignment,
  pairKeyOf,
  rulesLine,
  type ReportBookmark,
  type ReportContext,
} from './reportContext';

function bookmarkLines(bs: ReportBookmark[], out: string[]): void {
  for (const b of bs) {
    const where = `${bookmarkPlace(b)}${b.tidEventIdx !== null ? ` (tid_event_idx ${b.tidEventIdx})` : ''}${b.atDivergence ? ', at the divergence' : ''}`;
    out.push(`- **${b.title.trim() || 'Untitled bookmark'}** — ${where}`);
    const note = b.note.trim();
    if (note) {
      out.push('');
      for (const line of note.split(/\r?\n/)) out.push(line === '' ? '' : `  ${line}`);
    }
    out.push('');
  }
}

export function renderAnnotatedMarkdown(ctx: ReportContext): string {
  const out: string[] = [];
  const byPair = bookmarksByPair(ctx);
  renderReferenceSummary(ctx.result.pairs, out);
  // After the summary: the session this report comes from.
  const session = [
    '## Session',
    '',
    `- **${ctx.sessionName}**, exported by ${ctx.generator}`,
    `- canary: \`${ctx.canary.path}\` (${ctx.canary.log.eventCount} events)`,
    `- ours: \`${ctx.ours.path}\` (${ctx.ours.log.eventCount} events)`,
    `- threads: ${mappingSentence(ctx)}${ctx.tidMapArg !== null ? ` (\`--tid-map ${ctx.tidMapArg || '""'}\`)` : ''}`,
    `- allocator canonicalization: ${ctx.result.canonicalize ? 'on' : 'off'}`,
    `- rules: ${rulesLine(ctx.result.comparison) ?? `the reference's (fingerprint ${ctx.result.comparison.fingerprint})`}`,
    '',
  ];
  out.push(...session);
  const sim = ctx.result.similarity;
  if (sim && sim.unpairedCanary.length + sim.unpairedOurs.length > 0) {
    out.push('### Threads the similarity mapping left unpaired', '');
    for (const u of [...sim.unpairedCanary, ...sim.unpairedOurs]) {
      const best = u.best ? `; closest: ${u.side === 'canary' ? 'ours' : 'canary'} ${pyStr(u.best.thread.tid)} (${percent(u.best.similarity)})` : '';
      out.push(`- ${u.side} ${pyStr(u.thread.tid)}: ${u.reason}${best}`);
    }
    out.push('');
  }
  for (const r of ctx.result.pairs) {
    renderReferencePair(r, out);
    const why = explanationLine(r);
    if (why) out.push(`**Paired by similarity** — ${why}`, '');
    renderAlignment(ctx, r, pairAlignment(ctx, r), out);
    const bs = byPair.get(pairKeyOf(r));
    if (bs?.length) {
      out.push(`### Bookmarks and notes (canary_tid=${pyStr(r.canaryTid)} → ours_tid=${pyStr(r.oursTid)})`);
      out.push('');
      bookmarkLines(bs, out);
    }
  }
  const loose = byPair.get(null);
  if (loose?.length) {
    out.push('## Bookmarks on threads not compared now');
    out.push('');
    for (const b of loose) {
      const c = pyStr(pyJsonLoads(b.canaryTid));
      out.push(`<!-- canary_tid=${c}, ours_tid=${pyStr(pyJsonLoads(b.oursTid))} when bookmarked -->`);
      bookmarkLines([b], out);
    }
  }
  return out.join('\n');
}
