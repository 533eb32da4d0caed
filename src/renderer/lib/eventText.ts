// Splitting the reference's one-line summary of an event ("[343] kernel.call
// NtReadFile") into what the row list shows in aligned columns: the
// tid_event_idx has its own column, the kind is coloured, the rest follows.
import type { EventLine } from '../../shared/api';

export interface SummaryParts {
  kind: string;
  rest: string;
}

export function summaryParts(ev: EventLine): SummaryParts {
  let s = ev.summary;
  const prefix = `[${ev.tidEventIdx}] `;
  if (s.startsWith(prefix)) s = s.slice(prefix.length);
  if (s === ev.kind) return { kind: ev.kind, rest: '' };
  if (s.startsWith(`${ev.kind} `)) return { kind: ev.kind, rest: s.slice(ev.kind.length + 1) };
  return { kind: '', rest: s };
}

/** A colour family for a kind: calls, returns, everything else. */
export function kindClass(kind: string): 'call' | 'return' | 'other' {
  if (kind.endsWith('.call')) return 'call';
  if (kind.endsWith('.return')) return 'return';
  return 'other';
}
