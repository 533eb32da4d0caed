// What every export format draws on: the diff, the session around it, and the
// bookmarks, grouped under the pairs they belong to.
import { alignPair } from '../align/alignPair';
import type { Alignment } from '../align/alignThreads';
import { sides } from '../align/pairAlignment';
import type { Comparison } from '../diff/comparison';
import type { DiffResult, PairResult } from '../diff/diffLogs';
import type { ThreadSide } from '../diff/firstDivergence';
import type { RuledLog } from '../diff/ruledLog';
import { pyStr } from '../py/format';
import { percent } from '../diff/similarityMap';
import { pyJsonLoads } from '../py/parse';
import { pyHashKey, PyError } from '../py/value';
import { renderEvent } from './renderEvent';
import type { PortableBookmark } from '../store/bookmarks';
import type { BaselineComparison } from '../triage/baselineCompare';
import type { HunkSignature } from '../triage/hunkSignature';

/** A bookmark as reports show it: the same portable shape a session file keeps. */
export type ReportBookmark = PortableBookmark;

export interface ReportContext {
  result: DiffResult;
  canary: RuledLog;
  ours: RuledLog;
  sessionName: string;
  tidMapArg: string | null;
  manualMap: boolean;
  bookmarks: ReportBookmark[];
  generator: string;
  /** Each pair's hunk signatures (by pair key), when they were computed before (a baseline needs them all first). */
  signatures?: ReadonlyMap<string, readonly HunkSignature[]>;
  /** The run against a baseline (`--baseline`): each signature known or new, the entries fixed. */
  baseline?: BaselineComparison | null;
}

/** Where a bookmark sits, in words: both sides' positions (or the one side's, next to a gap). */
export function bookmarkPlace(b: ReportBookmark): string {
  if (b.canaryPosition !== null && b.oursPosition !== null) {
    return b.canaryPosition === b.oursPosition ? `position ${b.canaryPosition}` : `canary ${b.canaryPosition} / ours ${b.oursPosition}`;
  }
  return b.canaryPosition !== null ? `canary ${b.canaryPosition} (only in canary)` : `ours ${b.oursPosition} (only in ours)`;
}

/** Bookmarks by the pair (canary tidKey) they sit on, in position order; the rest under null. */
export function bookmarksByPair(ctx: ReportContext): Map<string | null, ReportBookmark[]> {
  const mapped = new Set(ctx.result.pairs.map((p) => p.canaryThread.tidKey));
  const out = new Map<string | null, ReportBookmark[]>();
  for (const b of ctx.bookmarks) {
    let key: string | null;
    try {
      key = pyHashKey(pyJsonLoads(b.canaryTid));
    } catch {
      key = null;
    }
    if (key !== null && !mapped.has(key)) key = null;
    const list = out.get(key) ?? [];
    list.push(b);
    out.set(key, list);
  }
  const at = (b: ReportBookmark): number => b.canaryPosition ?? b.oursPosition ?? 0;
  for (const list of out.values()) list.sort((a, b) => at(a) - at(b) || a.createdAt.localeCompare(b.createdAt));
  return out;
}

/** How the report's threads were paired, in words (every format but the reference's names it). */
export function mappingSentence(ctx: ReportContext): string {
  const r = ctx.result;
  const similar = r.pairs.filter((p) => p.reason.by === 'similarity');
  const unsure = similar.filter((p) => p.reason.by === 'similarity' && p.reason.unsure).length;
  const unsureText = `${unsure} unsure`;
  if (r.autoMap === 'similarity') return `mapped automatically by the similarity of the whole streams (${similar.length} pairs, ${unsureText})`;
  if (r.autoMap === 'reference') return 'mapped automatically by first kernel.call name';
  if (similar.length > 0 && similar.length === r.pairs.length)
    return `mapped by the similarity of the whole streams, as proposed in the workbench (${unsureText})`;
  if (similar.length > 0) return `mapped by hand (${similar.length} of ${r.pairs.length} pairs as the similarity mapping proposed)`;
  return 'mapped by hand';
}

/** "similarity 97% · confidence 95% · unsure", for a pair the similarity mapping made. */
export function explanationLine(p: PairResult): string | null {
  const r = p.reason;
  if (r.by !== 'similarity') return null;
  return `similarity ${percent(r.similarity)}, confidence ${percent(r.confidence)}${r.unsure ? ', unsure' : ''}: ${r.why}`;
}

export function pairKeyOf(p: PairResult): string {
  return p.canaryThread.tidKey;
}

/** A pair's alignment: kept in the index, computed there on first use. */
export function pairAlignment(ctx: ReportContext, p: PairResult): Alignment {
  const { c, o } = sides(p, ctx.canary, ctx.ours);
  return alignPair(c, o);
}

/**
 * The one line a report gains when its rules are not the reference's: their
 * fingerprint and, as rules-file directives, how they differ. Null under the
 * reference's rules (the report is then the reference's, byte for byte).
 */
export function rulesLine(cmp: Comparison): string | null {
  if (cmp.differences.length === 0) return null;
  return `**Rules** (fingerprint ${cmp.fingerprint}) differ from the reference's: ${cmp.differences.map((d) => `\`${d}\``).join('; ')}.`;
}

/** One sentence per log cut short and accepted (--accept-truncated): every report says so. */
export function cutNotices(logs: { canary: RuledLog; ours: RuledLog }): string[] {
  const out: string[] = [];
  for (const [side, l] of [
    ['canary', logs.canary],
    ['ours', logs.ours],
  ] as const) {
    const n = l.log.cutLine;
    if (n !== null) out.push(`The ${side} log ${l.label} was cut at line ${n} (a line cut short, left out): compared up to line ${n - 1}.`);
  }
  return out;
}

/** The cut notices as the Markdown that opens a report (nothing when no log was cut). */
export function cutNoticeMarkdown(logs: { canary: RuledLog; ours: RuledLog }): string {
  return cutNotices(logs)
    .map((n) => `> **Cut log.** ${n}\n\n`)
    .join('');
}

/** An event of a thread as a report line (the reference's render_event), or what can be said of it when its payload cannot be rendered. */
export function eventLine(s: ThreadSide, pos: number): string {
  const ev = s.log.event(s.thread.threadNo, pos);
  try {
    return renderEvent(ev);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return `[${pyStr(ev.get('tid_event_idx'))}] ${pyStr(ev.get('kind'))} (payload unreadable: ${e.message})`;
  }
}
