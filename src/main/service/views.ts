// Turning the core's exact values into the contract's display views: bounded,
// and with the characters that reorder text shown as what they are (showControls).
import type {
  RulesView,
  AlignmentView,
  DifferenceView,
  DivergenceView,
  EventDetail,
  EventLine,
  FieldView,
  LogView,
  PairView,
  RowView,
  Side,
  ThreadView,
} from '../../shared/api';
import { backInStep, hunkCounts, type AlignedDifference } from '../align/pairAlignment';
import type { FieldDifference } from '../diff/compareEvents';
import type { PairResult } from '../diff/diffLogs';
import type { ThreadInfo } from '../diff/indexedLog';
import type { RuledLog } from '../diff/ruledLog';
import { jsonDumps, pyStr } from '../py/format';
import { isDict, PyError, type PyDict } from '../py/value';
import { renderEvent } from '../report/renderEvent';
import { showControls } from '../../shared/visibleControls';
import type { PairAlignment } from './pairRows';
import type { Comparison } from '../diff/comparison';
import { REFERENCE_RULES } from '../rules/referenceRules';
import { rulesData } from '../rules/rulesData';
import { printRules } from '../rules/rulesFile';
import { readFieldKinds } from '../store/fieldBlocks';

/** The session's rules for the Rules panel: themselves, the reference's, how they differ, the kinds to choose from. */
export function rulesView(cmp: Comparison, canary: RuledLog, ours: RuledLog): RulesView {
  const kinds = new Set<string>();
  for (const log of [canary, ours]) {
    for (const k of readFieldKinds(log.db, log.log.logId)) {
      const v: unknown = JSON.parse(k);
      if (typeof v === 'string') kinds.add(v);
    }
  }
  return {
    rules: rulesData(cmp.rules),
    reference: rulesData(REFERENCE_RULES),
    fingerprint: cmp.fingerprint,
    differences: cmp.differences,
    text: printRules(cmp.rules),
    kinds: [...kinds].sort(),
  };
}

export function logView(side: Side, log: RuledLog): LogView {
  return {
    side,
    path: log.path,
    size: log.log.size,
    ...(log.log.compression ? { compression: { format: log.log.compression, contentSize: log.log.contentSize } } : {}),
    events: log.log.eventCount,
    threads: log.log.threadCount,
    fingerprint: log.log.fingerprint,
  };
}

export function threadView(side: Side, t: ThreadInfo): ThreadView {
  return {
    side,
    threadNo: t.threadNo,
    tid: showControls(pyStr(t.tid)),
    tidKey: t.tidKey,
    eventCount: t.eventCount,
    firstCallName: t.firstCallName === undefined || t.firstCallName === null ? null : showControls(pyStr(t.firstCallName)),
  };
}

function divergenceView(position: number, alignedRow: number, d: FieldDifference): DivergenceView {
  return { position, alignedRow, description: showControls(d.description), field: d.field, ...(d.key !== undefined ? { key: showControls(d.key) } : {}) };
}

function alignmentView(p: PairResult, a: PairAlignment): AlignmentView {
  const al = a.alignment;
  const c = hunkCounts(al);
  return {
    aligned: al.aligned,
    stoppedAt: al.stoppedAt,
    counts: { insert: c.insert, delete: c.delete, replace: c.replace },
    cost: al.cost,
    backInStep: backInStep(al, p.canaryTotal, p.oursTotal),
    rows: a.aligned.total,
    hunks: al.hunks.length,
    firstHunkRow: al.hunks.length ? a.aligned.hunkRow(0) : null,
  };
}

export function pairView(r: PairResult, a: PairAlignment): PairView {
  return {
    key: r.canaryThread.tidKey,
    canary: threadView('canary', r.canaryThread),
    ours: threadView('ours', r.oursThread),
    mappedBy: r.reason.by,
    firstCallName: r.reason.by === 'first-call' ? showControls(pyStr(r.reason.name)) : null,
    explanation:
      r.reason.by === 'similarity'
        ? { similarity: r.reason.similarity, confidence: r.reason.confidence, unsure: r.reason.unsure, reason: showControls(r.reason.why) }
        : null,
    matched: r.matched,
    canaryTotal: r.canaryTotal,
    oursTotal: r.oursTotal,
    divergence: r.divergence ? divergenceView(r.divergence.position, a.aligned.rowOf('canary', r.divergence.position), r.divergence.difference) : null,
    alignment: alignmentView(r, a),
  };
}

const DISPLAY = { ensureAscii: false } as const;

/** Characters of a summary in a row of the list; of a field value or a leaf in the detail pane; of an event's JSON there. */
const SUMMARY_MAX = 400;
const VALUE_MAX = 4000;
const JSON_MAX = 256 * 1024;
/** The most an event's JSON may take even when asked for whole: beyond, it is cut and says so. */
const JSON_FULL_MAX = 32 * 1024 * 1024;

/** Cut a long text in its middle, saying how much was left out (the difference is often at the end). */
function elide(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text: showControls(text), truncated: false };
  const head = Math.floor(max * 0.6);
  const tail = max - head;
  return { text: showControls(`${text.slice(0, head)} … ${text.length - max} more characters … ${text.slice(text.length - tail)}`), truncated: true };
}

function summaryOf(ev: PyDict): string {
  try {
    return renderEvent(ev);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return `[${pyStr(ev.get('tid_event_idx'))}] ${pyStr(ev.get('kind'))} (payload unreadable: ${e.message})`;
  }
}

export function eventLine(ev: PyDict, position: number, line: number): EventLine {
  return {
    position,
    line,
    tidEventIdx: ev.has('tid_event_idx') ? showControls(pyStr(ev.get('tid_event_idx'))) : '?',
    kind: ev.has('kind') ? showControls(pyStr(ev.get('kind'))) : '?',
    summary: elide(summaryOf(ev), SUMMARY_MAX).text,
  };
}

export function eventDetail(ev: PyDict, position: number, line: number, bytes: number, full: boolean): EventDetail {
  const payload = ev.get('payload');
  const fields: FieldView[] | null = isDict(payload)
    ? [...payload].map(([key, v]) => {
        const whole = jsonDumps(v, DISPLAY);
        const cut = full ? { text: showControls(whole), truncated: false } : elide(whole, VALUE_MAX);
        return cut.truncated ? { key: showControls(key), value: cut.text, truncated: true, bytes: whole.length } : { key: showControls(key), value: cut.text };
      })
    : null;
  const json = jsonDumps(ev, { ensureAscii: false, indent: 2 });
  const cut = elide(json, full ? JSON_FULL_MAX : JSON_MAX);
  return { ...eventLine(ev, position, line), payload: fields, json: cut.text, bytes, truncated: cut.truncated || (fields?.some((f) => f.truncated) ?? false) };
}

type Difference = FieldDifference | { field: 'error'; description: string };

export function rowView(row: number, canary: EventLine | null, ours: EventLine | null, hunk: number, difference: Difference | null): RowView {
  const status = canary && ours ? (difference ? 'differs' : 'same') : canary ? 'only-canary' : 'only-ours';
  const view: RowView = { row, canary, ours, status, hunk };
  if (difference && status === 'differs') {
    view.difference = {
      field: difference.field,
      description: elide(difference.description, VALUE_MAX).text,
      ...('key' in difference && difference.key !== undefined ? { key: showControls(difference.key) } : {}),
    };
  }
  return view;
}

export function differenceView(d: AlignedDifference): DifferenceView {
  return {
    field: d.field,
    ...(d.key !== undefined ? { key: showControls(d.key) } : {}),
    description: elide(d.description, VALUE_MAX).text,
    path: showControls(d.path),
    canary: d.canary === null ? null : elide(d.canary, VALUE_MAX).text,
    ours: d.ours === null ? null : elide(d.ours, VALUE_MAX).text,
  };
}
