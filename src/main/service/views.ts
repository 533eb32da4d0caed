// Turning the core's exact values into the contract's display views.
import type { DivergenceView, EventView, FieldView, LogView, PairView, RowView, Side, ThreadView } from '../../shared/api';
import type { FieldDifference } from '../diff/compareEvents';
import type { PairResult } from '../diff/diffLogs';
import type { IndexedLog, ThreadInfo } from '../diff/indexedLog';
import { jsonDumps, pyStr } from '../py/format';
import { isDict, PyError, type PyDict } from '../py/value';
import { renderEvent } from '../report/renderEvent';

export function logView(side: Side, log: IndexedLog): LogView {
  return {
    side,
    path: log.path,
    size: log.log.size,
    events: log.log.eventCount,
    threads: log.log.threadCount,
    fingerprint: log.log.fingerprint,
  };
}

export function threadView(side: Side, t: ThreadInfo): ThreadView {
  return {
    side,
    threadNo: t.threadNo,
    tid: pyStr(t.tid),
    tidKey: t.tidKey,
    eventCount: t.eventCount,
    firstCallName: t.firstCallName === undefined || t.firstCallName === null ? null : pyStr(t.firstCallName),
  };
}

function divergenceView(position: number, d: FieldDifference): DivergenceView {
  return { position, description: d.description, field: d.field, ...(d.key !== undefined ? { key: d.key } : {}) };
}

export function pairView(r: PairResult): PairView {
  return {
    key: r.canaryThread.tidKey,
    canary: threadView('canary', r.canaryThread),
    ours: threadView('ours', r.oursThread),
    mappedBy: r.reason.by,
    firstCallName: r.reason.by === 'first-call' ? pyStr(r.reason.name) : null,
    matched: r.matched,
    canaryTotal: r.canaryTotal,
    oursTotal: r.oursTotal,
    divergence: r.divergence ? divergenceView(r.divergence.position, r.divergence.difference) : null,
  };
}

const DISPLAY = { ensureAscii: false } as const;

export function eventView(ev: PyDict, position: number, line: number): EventView {
  let summary: string;
  try {
    summary = renderEvent(ev);
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    summary = `[${pyStr(ev.get('tid_event_idx'))}] ${pyStr(ev.get('kind'))} (payload unreadable: ${e.message})`;
  }
  const payload = ev.get('payload');
  const fields: FieldView[] | null = isDict(payload) ? [...payload].map(([key, v]) => ({ key, value: jsonDumps(v, DISPLAY) })) : null;
  return {
    position,
    line,
    tidEventIdx: ev.has('tid_event_idx') ? pyStr(ev.get('tid_event_idx')) : '?',
    kind: ev.has('kind') ? pyStr(ev.get('kind')) : '?',
    summary,
    payload: fields,
    json: jsonDumps(ev, { ensureAscii: false, indent: 2 }),
  };
}

export function rowView(
  position: number,
  canary: EventView | null,
  ours: EventView | null,
  difference: FieldDifference | { field: 'error'; description: string } | null,
): RowView {
  const status = canary && ours ? (difference ? 'differs' : 'same') : canary ? 'only-canary' : 'only-ours';
  const row: RowView = { position, canary, ours, status };
  if (difference && status === 'differs') {
    row.difference = {
      field: difference.field,
      description: difference.description,
      ...('key' in difference && difference.key !== undefined ? { key: difference.key } : {}),
    };
  }
  return row;
}
