// The JSON report, for other tools. Shape documented in docs/report-json.md.
// Values from the logs are written exactly: integers with all their digits
// (parse them with a big-integer-aware reader), floats as Python prints them;
// a non-finite float becomes {"$float": "NaN" | "Infinity" | "-Infinity"} so
// that the file stays strict JSON.
import type { Alignment } from '../align/alignThreads';
import { backInStep, describeHunk, hunkCounts, hunkDetail, sides, type AlignedDifference } from '../align/pairAlignment';
import type { Divergence, PairResult } from '../diff/diffLogs';
import type { ThreadInfo } from '../diff/indexedLog';
import type { RuledLog } from '../diff/ruledLog';
import { jsonDumps, jsonStringAscii } from '../py/format';
import { printRules } from '../rules/rulesFile';
import { pyJsonLoads } from '../py/parse';
import type { PyDict, PyValue } from '../py/value';
import type { UnpairedThread } from '../diff/similarityMap';
import type { BaselineComparison } from '../triage/baselineCompare';
import type { BaselineEntry } from '../triage/baselineFile';
import { hunkSignature, SIGNATURE_SCHEME } from '../triage/hunkSignature';
import { bookmarksByPair, mappingSentence, pairAlignment, pairKeyOf, type ReportBookmark, type ReportContext } from './reportContext';

const JSON_REPORT_VERSION = 2;

/** A raw JSON text, written as it is. */
class Raw {
  constructor(readonly text: string) {}
}
type J = null | boolean | number | string | Raw | J[] | { [k: string]: J };

function exact(v: PyValue | undefined): Raw {
  return new Raw(jsonDumps(v, { nonFinite: 'tagged' }));
}

function write(v: J, indent: string): string {
  if (v instanceof Raw) return v.text;
  if (v === null || typeof v !== 'object') return v === null ? 'null' : typeof v === 'string' ? jsonStringAscii(v) : String(v);
  const inner = indent + '  ';
  if (Array.isArray(v)) return v.length === 0 ? '[]' : '[\n' + v.map((x) => inner + write(x, inner)).join(',\n') + '\n' + indent + ']';
  const keys = Object.keys(v);
  return keys.length === 0 ? '{}' : '{\n' + keys.map((k) => `${inner}${jsonStringAscii(k)}: ${write(v[k]!, inner)}`).join(',\n') + '\n' + indent + '}';
}

function event(ev: PyDict | null): J {
  return ev === null ? null : exact(ev);
}

function thread(t: ThreadInfo): J {
  return { tid: exact(t.tid), events: t.eventCount, firstCallName: t.firstCallName === undefined ? null : exact(t.firstCallName) };
}

/** An unmapped thread; under the similarity mapping, with its closest candidate and why it was left out. */
function unmappedThread(t: ThreadInfo, u: UnpairedThread | undefined): J {
  if (!u) return thread(t);
  return {
    ...(thread(t) as Record<string, J>),
    reason: u.reason,
    bestCandidate: u.best ? { tid: exact(u.best.thread.tid), similarity: round(u.best.similarity) } : null,
  };
}

/** Shares to four decimals: what a person or a script compares, not float noise. */
function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function similarityOf(r: PairResult): J {
  const why = r.reason;
  if (why.by !== 'similarity') return null;
  return { similarity: round(why.similarity), confidence: round(why.confidence), unsure: why.unsure, reason: why.why };
}

function divergence(d: Divergence, r: PairResult, canary: RuledLog, ours: RuledLog): J {
  return {
    position: d.position,
    description: d.difference.description,
    field: d.difference.field,
    key: d.difference.key ?? null,
    canaryLine: canary.lineNumber(r.canaryThread.threadNo, d.position),
    oursLine: ours.lineNumber(r.oursThread.threadNo, d.position),
    canary: event(d.canary),
    ours: event(d.ours),
    preContext: d.preContext.map((p) => ({ canary: event(p.canary), ours: event(p.ours) })),
    next: { canary: event(d.nextCanary), ours: event(d.nextOurs) },
  };
}

function difference(d: AlignedDifference | null): J {
  if (!d) return null;
  return { field: d.field, key: d.key ?? null, description: d.description, path: d.path, canary: d.canary, ours: d.ours };
}

/** The pair's alignment: every hunk in order, and what it says of the pair as a whole. */
function alignment(a: Alignment, r: PairResult, ctx: ReportContext): Record<string, J> {
  const { c, o } = sides(r, ctx.canary, ctx.ours);
  const counts = hunkCounts(a);
  const back = backInStep(a, r.canaryTotal, r.oursTotal);
  const known = ctx.signatures?.get(pairKeyOf(r));
  return {
    aligned: a.aligned,
    notRealignedAfter: a.stoppedAt ? { canary: a.stoppedAt.canary, ours: a.stoppedAt.ours } : null,
    alignmentCost: a.cost,
    hunkCounts: { insert: counts.insert, delete: counts.delete, replace: counts.replace },
    backInStep: back ? { canary: back.canary, ours: back.ours } : null,
    hunks: a.hunks.map((h, k) => {
      const d = hunkDetail(c, o, h, a);
      const sig = known?.[k] ?? hunkSignature(c, o, h, d.difference);
      const entry = ctx.baseline?.known.get(sig.id);
      return {
        op: h.op,
        canary: [h.canary[0], h.canary[1]],
        ours: [h.ours[0], h.ours[1]],
        canaryLines: d.canaryLines ? [d.canaryLines[0], d.canaryLines[1]] : null,
        oursLines: d.oursLines ? [d.oursLines[0], d.oursLines[1]] : null,
        description: describeHunk(d),
        difference: difference(d.difference),
        signature: { id: sig.id, text: sig.text },
        ...(ctx.baseline ? { baseline: entry ? 'known' : 'new', baselineNote: entry?.note ?? null } : {}),
      };
    }),
  };
}

function bookmark(b: ReportBookmark): J {
  return {
    id: b.id,
    canaryTid: exact(pyJsonLoads(b.canaryTid)),
    oursTid: exact(pyJsonLoads(b.oursTid)),
    canaryPosition: b.canaryPosition,
    oursPosition: b.oursPosition,
    tidEventIdx: b.tidEventIdx,
    atDivergence: b.atDivergence,
    title: b.title,
    note: b.note,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}

function baselineEntry(e: BaselineEntry): J {
  return { signature: e.signature, pattern: e.pattern, text: e.text, note: e.note, line: e.line || null };
}

/** What the run was compared with, and what came of it (null: no baseline). */
function baselineOf(c: BaselineComparison | null | undefined): J {
  if (!c) return null;
  return {
    kind: c.baseline.kind,
    path: c.baseline.path,
    label: c.baseline.label,
    entries: c.baseline.entries.length,
    new: c.newHunks,
    known: c.knownHunks,
    fixed: c.fixed.map(baselineEntry),
  };
}

function alignmentOf(r: PairResult, ctx: ReportContext): Record<string, J> {
  return alignment(pairAlignment(ctx, r), r, ctx);
}

/** The rules the report was computed under: their fingerprint, how they differ from the reference's, and all of them. */
function rulesJson(ctx: ReportContext): J {
  const cmp = ctx.result.comparison;
  return { fingerprint: cmp.fingerprint, reference: cmp.differences.length === 0, differences: cmp.differences, text: printRules(cmp.rules) };
}

export function renderJsonReport(ctx: ReportContext): string {
  const byPair = bookmarksByPair(ctx);
  const sim = ctx.result.similarity;
  const unpaired = new Map<string, UnpairedThread>();
  for (const u of sim ? [...sim.unpairedCanary, ...sim.unpairedOurs] : []) unpaired.set(`${u.side}:${u.thread.tidKey}`, u);
  const log = (l: RuledLog): J => ({
    path: l.path,
    size: l.log.size,
    fingerprint: l.log.fingerprint,
    events: l.log.eventCount,
    threads: l.log.threadCount,
    cutAtLine: l.log.cutLine,
  });
  const doc: J = {
    format: 'lockstep-report',
    version: JSON_REPORT_VERSION,
    signatureScheme: SIGNATURE_SCHEME,
    generator: ctx.generator,
    session: {
      name: ctx.sessionName,
      canary: log(ctx.canary),
      ours: log(ctx.ours),
      canonicalizeAllocators: ctx.result.canonicalize,
      rules: rulesJson(ctx),
      mapping: ctx.manualMap ? 'manual' : 'automatic',
      autoMap: ctx.result.autoMap,
      mappingUsed: mappingSentence(ctx),
      tidMap: ctx.tidMapArg,
    },
    baseline: baselineOf(ctx.baseline),
    pairs: ctx.result.pairs.map((r) => ({
      canaryTid: exact(r.canaryTid),
      oursTid: exact(r.oursTid),
      mappedBy: r.reason.by,
      firstCallName: r.reason.by === 'first-call' ? exact(r.reason.name) : null,
      similarity: similarityOf(r),
      matched: r.matched,
      canaryTotal: r.canaryTotal,
      oursTotal: r.oursTotal,
      divergence: r.divergence ? divergence(r.divergence, r, ctx.canary, ctx.ours) : null,
      ...alignmentOf(r, ctx),
      bookmarks: (byPair.get(pairKeyOf(r)) ?? []).map(bookmark),
    })),
    unmapped: {
      canary: ctx.result.unmappedCanary.map((t) => unmappedThread(t, unpaired.get(`canary:${t.tidKey}`))),
      ours: ctx.result.unmappedOurs.map((t) => unmappedThread(t, unpaired.get(`ours:${t.tidKey}`))),
    },
    otherBookmarks: (byPair.get(null) ?? []).map(bookmark),
    warnings: ctx.result.warnings,
  };
  return write(doc, '') + '\n';
}
