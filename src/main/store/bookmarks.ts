// Queries on bookmarks. Each change is one statement, hence one transaction:
// a bookmark shown as saved is on disk (the sessions database is synchronous=FULL).
import { randomUUID } from 'node:crypto';
import type { Db } from './db';

/** A bookmark as it travels (session files, reports): no session id, its id under `id`. */
export interface PortableBookmark {
  id: string;
  canaryTid: string; // exact JSON of the tid
  oursTid: string;
  /** The bookmarked row's events (null: a gap on that side). */
  canaryPosition: number | null;
  oursPosition: number | null;
  tidEventIdx: string | null;
  atDivergence: boolean;
  title: string;
  note: string;
  createdAt: string;
  updatedAt: string;
}

export interface BookmarkRow {
  bookmarkId: string;
  sessionId: string;
  canaryTid: string; // exact JSON
  oursTid: string; // exact JSON
  canaryPosition: number | null;
  oursPosition: number | null;
  tidEventIdx: string | null;
  atDivergence: boolean;
  title: string;
  note: string;
  createdAt: string;
  updatedAt: string;
}

interface Raw {
  bookmark_id: string;
  session_id: string;
  canary_tid: string;
  ours_tid: string;
  canary_position: number | null;
  ours_position: number | null;
  tid_event_idx: string | null;
  at_divergence: number;
  title: string;
  note: string;
  created_at: string;
  updated_at: string;
}

const toRow = (r: Raw): BookmarkRow => ({
  bookmarkId: r.bookmark_id,
  sessionId: r.session_id,
  canaryTid: r.canary_tid,
  oursTid: r.ours_tid,
  canaryPosition: r.canary_position,
  oursPosition: r.ours_position,
  tidEventIdx: r.tid_event_idx,
  atDivergence: r.at_divergence !== 0,
  title: r.title,
  note: r.note,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function portableBookmark(b: BookmarkRow): PortableBookmark {
  return {
    id: b.bookmarkId,
    canaryTid: b.canaryTid,
    oursTid: b.oursTid,
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

export function listBookmarks(db: Db, sessionId: string): BookmarkRow[] {
  return (
    db.prepare('SELECT * FROM bookmarks WHERE session_id = ? ORDER BY canary_tid, coalesce(canary_position, ours_position), created_at').all(sessionId) as Raw[]
  ).map(toRow);
}

export function getBookmark(db: Db, bookmarkId: string): BookmarkRow | undefined {
  const r = db.prepare('SELECT * FROM bookmarks WHERE bookmark_id = ?').get(bookmarkId) as Raw | undefined;
  return r && toRow(r);
}

/** Insert, or replace an existing bookmark with the same id (imports keep the newer edit). */
export function putBookmark(db: Db, b: BookmarkRow): void {
  db.prepare(
    `INSERT INTO bookmarks (bookmark_id, session_id, canary_tid, ours_tid, canary_position, ours_position, tid_event_idx, at_divergence, title, note,
                            created_at, updated_at)
     VALUES (@bookmarkId, @sessionId, @canaryTid, @oursTid, @canaryPosition, @oursPosition, @tidEventIdx, @atDivergence, @title, @note,
             @createdAt, @updatedAt)
     ON CONFLICT (bookmark_id) DO UPDATE SET
       canary_tid = excluded.canary_tid, ours_tid = excluded.ours_tid,
       canary_position = excluded.canary_position, ours_position = excluded.ours_position,
       tid_event_idx = excluded.tid_event_idx, at_divergence = excluded.at_divergence,
       title = excluded.title, note = excluded.note, updated_at = excluded.updated_at
     WHERE excluded.updated_at >= bookmarks.updated_at AND excluded.session_id = bookmarks.session_id`,
  ).run({ ...b, atDivergence: b.atDivergence ? 1 : 0 });
}

/**
 * Merge bookmarks from a session file into a session, in one transaction: all
 * of them or none. A bookmark of this session with the same id takes the newer
 * edit; an id another session already uses is never touched: the imported
 * bookmark gets an id of its own.
 */
export function importBookmarks(db: Db, sessionId: string, bookmarks: readonly PortableBookmark[]): void {
  const owner = db.prepare('SELECT session_id FROM bookmarks WHERE bookmark_id = ?').pluck();
  db.transaction(() => {
    for (const b of bookmarks) {
      const held = owner.get(b.id) as string | undefined;
      const id = held !== undefined && held !== sessionId ? randomUUID() : b.id;
      putBookmark(db, { ...b, bookmarkId: id, sessionId });
    }
  })();
}

export function updateBookmarkText(db: Db, bookmarkId: string, title: string, note: string): boolean {
  return (
    db
      .prepare(`UPDATE bookmarks SET title = ?, note = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE bookmark_id = ?`)
      .run(title, note, bookmarkId).changes === 1
  );
}

export function deleteBookmark(db: Db, bookmarkId: string): boolean {
  return db.prepare('DELETE FROM bookmarks WHERE bookmark_id = ?').run(bookmarkId).changes === 1;
}

export function nowIso(): string {
  return new Date().toISOString();
}
