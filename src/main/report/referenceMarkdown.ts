// The reference's render_report, byte for byte: the Markdown report that
// scripts and people already read.
import { jsonDumpsSorted, pyStr } from '../py/format';
import { hasLoneSurrogate } from '../py/value';
import { encodeUtf8 } from '../py/codecs';
import type { DiffResult, PairResult } from '../diff/diffLogs';
import { renderEvent } from './renderEvent';
import { rulesLine } from './reportContext';

export function renderReferenceSummary(pairs: PairResult[], out: string[]): void {
  out.push('# Phase A diff report');
  out.push('');
  out.push("**This report is the output of Phase A's diff harness. Divergences");
  out.push('shown here are INPUT for Phase B (first-divergence localization),');
  out.push("not findings of Phase A.** Phase A's job is to make the harness");
  out.push('itself correct, not to analyze what it surfaces.');
  out.push('');
  out.push('## Summary');
  out.push('');
  out.push('| canary_tid | ours_tid | matched | canary_total | ours_total | first_divergence_at |');
  out.push('|---|---|---|---|---|---|');
  for (const r of pairs) {
    const div = r.divergence ? String(r.divergence.position) : '—';
    out.push(`| ${pyStr(r.canaryTid)} | ${pyStr(r.oursTid)} | ${r.matched} | ${r.canaryTotal} | ${r.oursTotal} | ${div} |`);
  }
  out.push('');
}

/** One pair's section; `extra` lets annotated reports add lines after it. */
export function renderReferencePair(r: PairResult, out: string[]): void {
  out.push(`## canary_tid=${pyStr(r.canaryTid)} → ours_tid=${pyStr(r.oursTid)}`);
  out.push('');
  const d = r.divergence;
  if (!d) {
    out.push(`No divergence within the ${r.matched} compared events (canary has ${r.canaryTotal}, ours has ${r.oursTotal}).`);
    out.push('');
    return;
  }
  out.push(`First divergence at \`tid_event_idx=${d.position}\`: ${d.difference.description}`);
  out.push('');
  out.push('**Pre-context (last 5 matching events):**');
  out.push('```');
  for (const p of d.preContext) {
    out.push(`  canary: ${renderEvent(p.canary)}`);
    out.push(`  ours:   ${renderEvent(p.ours)}`);
  }
  out.push('```');
  out.push('');
  out.push('**Divergent event:**');
  out.push('```');
  out.push(`  canary: ${renderEvent(d.canary)}`);
  out.push(`  ours:   ${renderEvent(d.ours)}`);
  out.push('```');
  out.push('');
  out.push('**Next event after the divergence (if any):**');
  out.push('```');
  // `if r["next_canary"]:` is truthiness: an empty event counts as none.
  out.push(d.nextCanary && d.nextCanary.size > 0 ? `  canary: ${renderEvent(d.nextCanary)}` : '  canary: <end of stream>');
  out.push(d.nextOurs && d.nextOurs.size > 0 ? `  ours:   ${renderEvent(d.nextOurs)}` : '  ours:   <end of stream>');
  out.push('```');
  out.push('');
  out.push('**Raw events (JSON):**');
  out.push('```json');
  out.push(jsonDumpsSorted(d.canary));
  out.push(jsonDumpsSorted(d.ours));
  out.push('```');
  out.push('');
}

/**
 * A file the reference writes (`--out`: Path.write_text(encoding='utf-8'),
 * the strict handler) cannot hold a lone surrogate: Python's UnicodeEncodeError.
 */
export function assertEncodable(text: string): void {
  if (hasLoneSurrogate(text)) encodeUtf8(text, 'strict');
}

/**
 * The reference's report. Under rules that are not the reference's it gains
 * one line, below the summary table (whose numbers the rules made): which
 * rules, by fingerprint and by how they differ (docs/rules.md).
 */
export function renderReferenceReport(result: DiffResult): string {
  const out: string[] = [];
  renderReferenceSummary(result.pairs, out);
  const rules = rulesLine(result.comparison);
  if (rules !== null) out.push(rules);
  for (const r of result.pairs) renderReferencePair(r, out);
  return out.join('\n');
}
