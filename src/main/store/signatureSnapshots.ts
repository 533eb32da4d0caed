// The signatures each run of a session showed (table signature_snapshots):
// what a later run is compared with when the user picks "an earlier session"
// as its baseline. One row per session and pair of log fingerprints (a run);
// the newest computation of a run replaces its row.
import type { Db } from './db';

export interface SnapshotSignature {
  id: string;
  text: string;
  hunks: number;
}

export interface SnapshotRow {
  sessionId: string;
  /** The session's name (its title) now. */
  name: string;
  canaryFingerprint: string;
  oursFingerprint: string;
  canaryPath: string;
  oursPath: string;
  scheme: number;
  hunks: number;
  signatures: number;
  takenAt: string;
}

interface Raw {
  session_id: string;
  name: string;
  canary_fingerprint: string;
  ours_fingerprint: string;
  canary_path: string;
  ours_path: string;
  scheme: number;
  hunks: number;
  n: number;
  taken_at: string;
}

const toRow = (r: Raw): SnapshotRow => ({
  sessionId: r.session_id,
  name: r.name,
  canaryFingerprint: r.canary_fingerprint,
  oursFingerprint: r.ours_fingerprint,
  canaryPath: r.canary_path,
  oursPath: r.ours_path,
  scheme: r.scheme,
  hunks: r.hunks,
  signatures: r.n,
  takenAt: r.taken_at,
});

export interface RunKey {
  sessionId: string;
  canaryFingerprint: string;
  oursFingerprint: string;
}

export function putSnapshot(db: Db, run: RunKey & { canaryPath: string; oursPath: string; scheme: number }, signatures: readonly SnapshotSignature[]): void {
  const hunks = signatures.reduce((n, s) => n + s.hunks, 0);
  db.prepare(
    `INSERT INTO signature_snapshots (session_id, canary_fingerprint, ours_fingerprint, canary_path, ours_path, scheme, hunks, signatures)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (session_id, canary_fingerprint, ours_fingerprint) DO UPDATE SET
       canary_path = excluded.canary_path, ours_path = excluded.ours_path, scheme = excluded.scheme, hunks = excluded.hunks,
       signatures = excluded.signatures, taken_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`,
  ).run(
    run.sessionId,
    run.canaryFingerprint,
    run.oursFingerprint,
    run.canaryPath,
    run.oursPath,
    run.scheme,
    hunks,
    JSON.stringify(signatures.map((s) => [s.id, s.text, s.hunks])),
  );
}

const SELECT = `SELECT s.session_id, n.name, s.canary_fingerprint, s.ours_fingerprint, s.canary_path, s.ours_path, s.scheme, s.hunks,
                       json_array_length(s.signatures) AS n, s.taken_at
                FROM signature_snapshots s JOIN sessions n ON n.session_id = s.session_id`;

/** The runs kept of every session with this title, newest first, but the run given (the one being compared). */
export function runsOfTitle(db: Db, name: string, except: RunKey, limit = 30): SnapshotRow[] {
  return (
    db
      .prepare(
        `${SELECT} WHERE n.name = ? AND NOT (s.session_id = ? AND s.canary_fingerprint = ? AND s.ours_fingerprint = ?)
         ORDER BY s.taken_at DESC LIMIT ?`,
      )
      .all(name, except.sessionId, except.canaryFingerprint, except.oursFingerprint, limit) as Raw[]
  ).map(toRow);
}

/** One kept run and its signatures, or null when it is not kept (any more). */
export function snapshot(db: Db, run: RunKey): { row: SnapshotRow; signatures: SnapshotSignature[] } | null {
  const r = db
    .prepare(`${SELECT.replace('AS n,', 'AS n, s.signatures,')} WHERE s.session_id = ? AND s.canary_fingerprint = ? AND s.ours_fingerprint = ?`)
    .get(run.sessionId, run.canaryFingerprint, run.oursFingerprint) as (Raw & { signatures: string }) | undefined;
  if (!r) return null;
  let list: SnapshotSignature[];
  try {
    list = (JSON.parse(r.signatures) as [string, string, number][]).map(([id, text, hunks]) => ({ id, text, hunks }));
  } catch {
    list = [];
  }
  return { row: toRow(r), signatures: list };
}
