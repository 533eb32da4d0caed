// The detail pane's field table: both events' fields on one line each,
// canary's order first, then what only ours has, with the field the
// reference found different marked.
import type { EventDetail, RowDetailView } from '../../shared/api';

export interface FieldRow {
  /** "kind", "payload.status" … */
  label: string;
  /** The payload key, for payload fields. */
  key: string | null;
  canary: string | null;
  ours: string | null;
  /** The reference's differing field. */
  differs: boolean;
  /** Not compared (line numbers): shown dim. */
  meta: boolean;
  /** A value was elided (the whole one is a request away). */
  truncated: boolean;
}

export function fieldRows(row: RowDetailView): FieldRow[] {
  const c = row.canary;
  const o = row.ours;
  const d = row.difference;
  const top = (label: string, get: (e: EventDetail) => string, differs = false, meta = false): FieldRow => ({
    label,
    key: null,
    canary: c ? get(c) : null,
    ours: o ? get(o) : null,
    differs,
    meta,
    truncated: false,
  });
  const out: FieldRow[] = [
    top('line', (e) => String(e.line), false, true),
    top('kind', (e) => e.kind, d?.field === 'kind'),
    top('tid_event_idx', (e) => e.tidEventIdx, d?.field === 'tid_event_idx'),
  ];
  const cp = c?.payload ?? null;
  const op = o?.payload ?? null;
  if ((c && cp === null) || (o && op === null)) {
    out.push({
      label: 'payload',
      key: null,
      canary: c ? (cp === null ? '(absent or not an object)' : '{…}') : null,
      ours: o ? (op === null ? '(absent or not an object)' : '{…}') : null,
      differs: d?.field === 'payload' && d.key === undefined,
      meta: false,
      truncated: false,
    });
  }
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const f of [...(cp ?? []), ...(op ?? [])]) {
    if (!seen.has(f.key)) {
      seen.add(f.key);
      keys.push(f.key);
    }
  }
  const cm = new Map((cp ?? []).map((f) => [f.key, f]));
  const om = new Map((op ?? []).map((f) => [f.key, f]));
  for (const key of keys) {
    out.push({
      label: `payload.${key}`,
      key,
      canary: c ? (cm.get(key)?.value ?? null) : null,
      ours: o ? (om.get(key)?.value ?? null) : null,
      differs: d?.field === 'payload' && d.key === key,
      meta: false,
      truncated: (cm.get(key)?.truncated ?? false) || (om.get(key)?.truncated ?? false),
    });
  }
  return out;
}
