// Queries on workbench sessions.
import type { Db } from './db';

export interface SessionRow {
  sessionId: string;
  name: string;
  canaryPath: string;
  canaryFingerprint: string | null;
  canarySize: number | null;
  oursPath: string;
  oursFingerprint: string | null;
  oursSize: number | null;
  canonicalize: boolean;
  /** The session's rules as a rules file (rules/rulesFile.ts); null: the reference's. */
  rules: string | null;
  tidMap: [string, string][] | null;
  /** Per pair of tidMap: why the similarity mapping made it, or null (by hand); null: every pair by hand. */
  tidMapReasons: StoredPairReason[] | null;
  place: StoredPlace | null;
  createdAt: string;
  openedAt: string;
}

interface Raw {
  session_id: string;
  name: string;
  canary_path: string;
  canary_fingerprint: string | null;
  canary_size: number | null;
  ours_path: string;
  ours_fingerprint: string | null;
  ours_size: number | null;
  canonicalize: number;
  rules: string | null;
  tid_map: string | null;
  tid_map_reasons: string | null;
  place: string | null;
  created_at: string;
  opened_at: string;
}

/** A pair the similarity mapping made, as the session keeps it (diff/tidMap.ts SimilarityReason without its tag). */
export type StoredPairReason = { similarity: number; confidence: number; unsure: boolean; why: string } | null;

/** Stored reasons, read leniently: anything but a list of reasons (or nulls) is taken as none (the pairs stay, as made by hand). */
export function parsePairReasons(v: unknown): StoredPairReason[] | null {
  if (!Array.isArray(v)) return null;
  const ok = (r: unknown): boolean => {
    if (r === null) return true;
    if (typeof r !== 'object') return false;
    const o = r as Record<string, unknown>;
    const share = (x: unknown): boolean => typeof x === 'number' && x >= 0 && x <= 1;
    return share(o.similarity) && share(o.confidence) && typeof o.unsure === 'boolean' && typeof o.why === 'string';
  };
  return v.every(ok) ? (v as StoredPairReason[]) : null;
}

function parseReasonsText(text: string | null): StoredPairReason[] | null {
  if (text === null) return null;
  try {
    return parsePairReasons(JSON.parse(text));
  } catch {
    return null;
  }
}

/** Where the user was: the pair, the view, and the events of the row there (null: a gap on that side). */
export interface StoredPlace {
  pairKey: string;
  view: 'aligned' | 'positional';
  canary: number | null;
  ours: number | null;
}

/** A stored place, read leniently: what an older Lockstep wrote ({pairKey, position}: one position of both threads), or null. */
function parsePlace(text: string): StoredPlace | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.pairKey !== 'string') return null;
  const pos = (x: unknown): number | null => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : null);
  if ('position' in o) {
    const p = pos(o.position);
    return p === null ? null : { pairKey: o.pairKey, view: 'aligned', canary: p, ours: p };
  }
  const canary = pos(o.canary);
  const ours = pos(o.ours);
  if (canary === null && ours === null) return null;
  return { pairKey: o.pairKey, view: o.view === 'positional' ? 'positional' : 'aligned', canary, ours };
}

function toRow(r: Raw): SessionRow {
  return {
    sessionId: r.session_id,
    name: r.name,
    canaryPath: r.canary_path,
    canaryFingerprint: r.canary_fingerprint,
    canarySize: r.canary_size,
    oursPath: r.ours_path,
    oursFingerprint: r.ours_fingerprint,
    oursSize: r.ours_size,
    canonicalize: r.canonicalize !== 0,
    rules: r.rules,
    tidMap: r.tid_map === null ? null : (JSON.parse(r.tid_map) as [string, string][]),
    tidMapReasons: parseReasonsText(r.tid_map_reasons),
    place: r.place === null ? null : parsePlace(r.place),
    createdAt: r.created_at,
    openedAt: r.opened_at,
  };
}

/** The session last used with these two logs, if any. */
export function findSessionByPaths(db: Db, canaryPath: string, oursPath: string): SessionRow | undefined {
  const r = db.prepare('SELECT * FROM sessions WHERE canary_path = ? AND ours_path = ? ORDER BY opened_at DESC LIMIT 1').get(canaryPath, oursPath) as
    Raw | undefined;
  return r && toRow(r);
}

export function recentSessions(db: Db, limit = 12): SessionRow[] {
  return (db.prepare('SELECT * FROM sessions ORDER BY opened_at DESC LIMIT ?').all(limit) as Raw[]).map(toRow);
}

export function upsertSession(db: Db, s: Omit<SessionRow, 'createdAt' | 'openedAt'>): void {
  db.prepare(
    `INSERT INTO sessions (session_id, name, canary_path, canary_fingerprint, canary_size, ours_path, ours_fingerprint, ours_size,
                           canonicalize, rules, tid_map, tid_map_reasons, place)
     VALUES (@sessionId, @name, @canaryPath, @canaryFingerprint, @canarySize, @oursPath, @oursFingerprint, @oursSize,
             @canonicalize, @rules, @tidMap, @tidMapReasons, @place)
     ON CONFLICT (session_id) DO UPDATE SET
       name = excluded.name, canary_path = excluded.canary_path, canary_fingerprint = excluded.canary_fingerprint,
       canary_size = excluded.canary_size, ours_path = excluded.ours_path, ours_fingerprint = excluded.ours_fingerprint,
       ours_size = excluded.ours_size, canonicalize = excluded.canonicalize, rules = excluded.rules, tid_map = excluded.tid_map,
       tid_map_reasons = excluded.tid_map_reasons, place = excluded.place,
       opened_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
  ).run({
    ...s,
    canonicalize: s.canonicalize ? 1 : 0,
    tidMap: s.tidMap === null ? null : JSON.stringify(s.tidMap),
    tidMapReasons: s.tidMapReasons === null ? null : JSON.stringify(s.tidMapReasons),
    place: s.place === null ? null : JSON.stringify(s.place),
  });
}

export function setSessionPlace(db: Db, sessionId: string, place: SessionRow['place']): void {
  db.prepare('UPDATE sessions SET place = ? WHERE session_id = ?').run(place === null ? null : JSON.stringify(place), sessionId);
}

/** Keep the draft being written in a session (null: it was saved or cancelled). */
export function keepDraft(db: Db, sessionId: string, body: string | null): void {
  if (body === null) db.prepare('DELETE FROM drafts WHERE session_id = ?').run(sessionId);
  else
    db.prepare(
      `INSERT INTO drafts (session_id, body) VALUES (?, ?)
       ON CONFLICT (session_id) DO UPDATE SET body = excluded.body, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
    ).run(sessionId, body);
}

export function draftOf(db: Db, sessionId: string): { body: string; at: string } | null {
  const r = db.prepare('SELECT body, updated_at FROM drafts WHERE session_id = ?').get(sessionId) as { body: string; updated_at: string } | undefined;
  return r ? { body: r.body, at: r.updated_at } : null;
}

/** The baseline a session is compared with: a file (a curated list or a report), or an earlier run's kept signatures. */
export type StoredBaseline = { kind: 'file'; path: string } | { kind: 'run'; sessionId: string; canaryFingerprint: string; oursFingerprint: string };

/** The session's baseline, read leniently: a value this Lockstep cannot read is no baseline (the user chooses again). */
export function sessionBaseline(db: Db, sessionId: string): StoredBaseline | null {
  const r = db.prepare('SELECT baseline FROM sessions WHERE session_id = ?').get(sessionId) as { baseline: string | null } | undefined;
  if (!r?.baseline) return null;
  try {
    const v = JSON.parse(r.baseline) as Record<string, unknown>;
    if (v.kind === 'file' && typeof v.path === 'string') return { kind: 'file', path: v.path };
    if (v.kind === 'run' && typeof v.sessionId === 'string' && typeof v.canaryFingerprint === 'string' && typeof v.oursFingerprint === 'string') {
      return { kind: 'run', sessionId: v.sessionId, canaryFingerprint: v.canaryFingerprint, oursFingerprint: v.oursFingerprint };
    }
  } catch {
    // not JSON: as if none
  }
  return null;
}

export function setSessionBaseline(db: Db, sessionId: string, baseline: StoredBaseline | null): void {
  db.prepare('UPDATE sessions SET baseline = ? WHERE session_id = ?').run(baseline === null ? null : JSON.stringify(baseline), sessionId);
}
