// What the reports and the workbench say about a pair's alignment: its hunks
// counted by kind, where the streams come back in step, and, for each hunk,
// the events it starts with and (for a replace) where inside a field they
// first differ.
import { compareEvents, type FieldDifference } from '../diff/compareEvents';
import { comparedValues, compareEventsUnder, valueAt } from '../diff/compareUnderRules';
import type { CompiledRules } from '../diff/deriveKeys';
import type { PairResult } from '../diff/diffLogs';
import { leafDifference } from '../diff/fieldDiff';
import { describeConflict, type ThreadSide } from '../diff/firstDivergence';
import type { RuledLog } from '../diff/ruledLog';
import { pairingWalk } from './pairingWalk';
import { pyRepr } from '../py/format';
import { PyError, type PyDict, type PyValue } from '../py/value';
import type { Alignment, Hunk } from './alignThreads';

export interface HunkCounts {
  insert: number;
  delete: number;
  replace: number;
  /** Events only in ours, only in canary, and on each side of the replaces. */
  insertedEvents: number;
  deletedEvents: number;
  replacedCanary: number;
  replacedOurs: number;
}

export function hunkCounts(a: Alignment): HunkCounts {
  const c: HunkCounts = { insert: 0, delete: 0, replace: 0, insertedEvents: 0, deletedEvents: 0, replacedCanary: 0, replacedOurs: 0 };
  for (const h of a.hunks) {
    c[h.op]++;
    if (h.op === 'insert') c.insertedEvents += h.ours[1] - h.ours[0];
    else if (h.op === 'delete') c.deletedEvents += h.canary[1] - h.canary[0];
    else {
      c.replacedCanary += h.canary[1] - h.canary[0];
      c.replacedOurs += h.ours[1] - h.ours[0];
    }
  }
  return c;
}

/**
 * Where the streams are in step again after the last hunk (equal to both
 * ends from there), or null: no hunk (never out of step), or the last hunk
 * runs to an end of a stream, or the alignment gave up.
 */
export function backInStep(a: Alignment, canaryTotal: number, oursTotal: number): { canary: number; ours: number } | null {
  const last = a.hunks[a.hunks.length - 1];
  if (!last || !a.aligned) return null;
  if (last.canary[1] >= canaryTotal || last.ours[1] >= oursTotal) return null;
  return { canary: last.canary[1], ours: last.ours[1] };
}

export function sides(p: PairResult, canary: RuledLog, ours: RuledLog): { c: ThreadSide; o: ThreadSide } {
  return { c: { log: canary, thread: p.canaryThread }, o: { log: ours, thread: p.oursThread } };
}

/** How two aligned events differ: the reference's description (tid_event_idx aside) and the first differing leaf. */
export interface AlignedDifference {
  field: FieldDifference['field'] | 'error';
  key?: string;
  /** The reference's wording, as compare_event would put it. */
  description: string;
  /** The first differing leaf inside the field (`payload.args_resolved.a1`). */
  path: string;
  /** The two leaf values as Python's repr (null: absent on that side). */
  canary: string | null;
  ours: string | null;
}

/**
 * How two events differ (by default as the alignment compares them,
 * tid_event_idx aside), or null when they do not; under `rules` when the
 * comparison is not the reference's (paired values aside: the pairing
 * decides those).
 */
export function alignedDifference(
  ec: PyDict,
  eo: PyDict,
  opts: { ignoreIdx: boolean } = { ignoreIdx: true },
  rules: CompiledRules | null = null,
): AlignedDifference | null {
  let d: FieldDifference | null;
  try {
    d = rules ? compareEventsUnder(rules, ec, eo, opts) : compareEvents(ec, eo, opts);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return { field: 'error', description: `the reference cannot compare these events (${e.message})`, path: '', canary: null, ours: null };
  }
  if (d === null) return null;
  const leaf = leafDifference(ec, eo, d, rules && d.field === 'payload' && d.key !== undefined ? comparedValues(rules, ec, eo, d.key) : undefined);
  const repr = (v: PyValue | undefined): string | null => (v === undefined ? null : pyRepr(v));
  return {
    field: d.field,
    ...(d.key !== undefined ? { key: d.key } : {}),
    description: d.description,
    path: leaf.path,
    canary: repr(leaf.canary),
    ours: repr(leaf.ours),
  };
}

export interface HunkDetail {
  hunk: Hunk;
  /** 1-based lines in the logs of the hunk's first and last events on each side (null: none on that side). */
  canaryLines: [number, number] | null;
  oursLines: [number, number] | null;
  /** For a replace: how its first two events differ. */
  difference: AlignedDifference | null;
}

/** The rules two sides are compared under, when not the reference's. */
function rulesOf(c: ThreadSide): CompiledRules | null {
  return c.log.cmp.reference ? null : c.log.rules;
}

/** How the events of a row of the aligned view differ: by the rules, or by a pairing they break; null when they do not. */
export function rowDifference(c: ThreadSide, i: number, o: ThreadSide, j: number, a: Alignment, opts = { ignoreIdx: true }): AlignedDifference | null {
  const ec = c.log.event(c.thread.threadNo, i);
  const eo = o.log.event(o.thread.threadNo, j);
  const d = alignedDifference(ec, eo, opts, rulesOf(c));
  if (d || c.log.cmp.reference) return d;
  const conflict = pairingWalk(a, c, o).conflicts.get(i);
  if (!conflict) return null;
  const f = describeConflict(c, i, o, j, conflict);
  const path = c.log.rules.paired[conflict.field]!.path;
  const repr = (ev: PyDict): string | null => {
    const v = valueAt(ev, path);
    return v === undefined ? null : pyRepr(v);
  };
  return { field: 'payload', key: f.key!, description: f.description, path: path.join('.'), canary: repr(ec), ours: repr(eo) };
}

export function hunkDetail(c: ThreadSide, o: ThreadSide, h: Hunk, a: Alignment): HunkDetail {
  const lines = (s: ThreadSide, r: [number, number]): [number, number] | null =>
    r[1] > r[0] ? [s.log.lineNumber(s.thread.threadNo, r[0]), s.log.lineNumber(s.thread.threadNo, r[1] - 1)] : null;
  const difference = h.op === 'replace' ? rowDifference(c, h.canary[0], o, h.ours[0], a) : null;
  return { hunk: h, canaryLines: lines(c, h.canary), oursLines: lines(o, h.ours), difference };
}

/** One line for a hunk: what it is, where, and how it differs. */
export function describeHunk(d: HunkDetail): string {
  const h = d.hunk;
  const n = (r: [number, number]): number => r[1] - r[0];
  const span = (r: [number, number]): string => (n(r) === 1 ? `${r[0]}` : `${r[0]}–${r[1] - 1}`);
  const events = (k: number): string => `${k} ${k === 1 ? 'event' : 'events'}`;
  if (h.op === 'insert') return `ours has ${events(n(h.ours))} canary does not (ours ${span(h.ours)}, before canary ${h.canary[0]})`;
  if (h.op === 'delete') return `ours is missing ${events(n(h.canary))} (canary ${span(h.canary)}, before ours ${h.ours[0]})`;
  const diff = d.difference;
  const how = diff ? (diff.field === 'error' ? diff.description : `${diff.path}: ${diff.canary ?? '<absent>'} → ${diff.ours ?? '<absent>'}`) : '';
  const k = n(h.canary);
  return `${k === n(h.ours) ? `${events(k)} ${k === 1 ? 'differs' : 'differ'}` : `canary ${events(k)} against ours ${events(n(h.ours))}`} (canary ${span(h.canary)}, ours ${span(h.ours)})${how ? `: ${how}` : ''}`;
}

/** A pair's alignment in one sentence for a report: its hunks by kind, and where the streams come back in step. */
export function describeAlignment(a: Alignment, canaryTotal: number, oursTotal: number): string {
  const c = hunkCounts(a);
  if (a.hunks.length === 0) return 'aligned: no hunk (the streams are equal, tid_event_idx aside)';
  const parts = [
    `${c.insert} insert${c.insert === 1 ? '' : 's'}`,
    `${c.delete} delete${c.delete === 1 ? '' : 's'}`,
    `${c.replace} replace${c.replace === 1 ? '' : 's'}`,
  ];
  const back = backInStep(a, canaryTotal, oursTotal);
  const where = !a.aligned
    ? `not realigned after canary ${a.stoppedAt!.canary} / ours ${a.stoppedAt!.ours}: the streams differ too much`
    : back
      ? `back in step from canary ${back.canary} / ours ${back.ours} to the end`
      : 'not back in step before a stream ends';
  return `${a.hunks.length} ${a.hunks.length === 1 ? 'hunk' : 'hunks'} (${parts.join(', ')}); ${where}`;
}
