// An open workbench session: both indexed logs, the settings, the current
// diff, and how it is persisted. Shared by the request handlers.
import type { BookmarkView, SessionView } from '../../shared/api';
import { diffLogs, NoTidMapping, type DiffResult } from '../diff/diffLogs';
import type { IndexedLog } from '../diff/indexedLog';
import type { TidPair } from '../diff/tidMap';
import { jsonDumpsExact } from '../py/format';
import { pyJsonLoads } from '../py/parse';
import { pyHashKey, type PyValue } from '../py/value';
import type { Db } from '../store/db';
import { listBookmarks, type BookmarkRow } from '../store/bookmarks';
import { upsertSession } from '../store/sessions';
import { logView, pairView, threadView } from './views';

export interface OpenSession {
  id: string;
  name: string;
  canary: IndexedLog;
  ours: IndexedLog;
  canonicalize: boolean;
  /** A manual mapping, or null for the automatic one. */
  tidPairs: TidPair[] | null;
  result: DiffResult;
  place: { pairKey: string; position: number } | null;
}

/** The reference's main() for the session's settings; no mapping is not fatal here (the user can pair by hand). */
export function computeDiff(s: Pick<OpenSession, 'canary' | 'ours' | 'canonicalize' | 'tidPairs'>): DiffResult {
  try {
    return diffLogs(s.canary, s.ours, { canonicalize: s.canonicalize, tidPairs: s.tidPairs });
  } catch (e) {
    if (!(e instanceof NoTidMapping)) throw e;
    return { pairs: [], warnings: [e.message], unmappedCanary: s.canary.threads, unmappedOurs: s.ours.threads, canonicalize: s.canonicalize };
  }
}

export function tidMapJson(pairs: TidPair[] | null): [string, string][] | null {
  return pairs === null ? null : pairs.map((p) => [jsonDumpsExact(p.canaryTid), jsonDumpsExact(p.oursTid)]);
}

export function tidPairsFromJson(map: [string, string][] | null): TidPair[] | null {
  return map === null ? null : map.map(([c, o]) => ({ canaryTid: pyJsonLoads(c), oursTid: pyJsonLoads(o), reason: { by: 'manual' as const } }));
}

/** `--tid-map` text for the same mapping, when every tid is an integer (and something is mapped: an empty --tid-map means automatic). */
export function tidMapArg(result: DiffResult): string | null {
  if (result.pairs.length === 0) return null;
  const parts: string[] = [];
  for (const p of result.pairs) {
    if (typeof p.canaryTid !== 'bigint' || typeof p.oursTid !== 'bigint') return null;
    parts.push(`${p.canaryTid}=${p.oursTid}`);
  }
  return parts.join(',');
}

export function bookmarkView(s: OpenSession, b: BookmarkRow): BookmarkView {
  let pairKey: string | null = null;
  try {
    const key = pyHashKey(pyJsonLoads(b.canaryTid) as PyValue);
    if (s.result.pairs.some((p) => p.canaryThread.tidKey === key)) pairKey = key;
  } catch {
    pairKey = null;
  }
  return {
    id: b.bookmarkId,
    pairKey,
    canaryTid: printTid(b.canaryTid),
    oursTid: printTid(b.oursTid),
    position: b.position,
    tidEventIdx: b.tidEventIdx,
    atDivergence: b.atDivergence,
    title: b.title,
    note: b.note,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}

function printTid(json: string): string {
  const v = pyJsonLoads(json);
  return typeof v === 'string' ? v : json;
}

export function sessionView(s: OpenSession, sessionsDb: Db): SessionView {
  const r = s.result;
  return {
    id: s.id,
    name: s.name,
    canary: logView('canary', s.canary),
    ours: logView('ours', s.ours),
    canonicalize: s.canonicalize,
    manualMap: s.tidPairs !== null,
    pairs: r.pairs.map(pairView),
    unmappedCanary: r.unmappedCanary.map((t) => threadView('canary', t)),
    unmappedOurs: r.unmappedOurs.map((t) => threadView('ours', t)),
    warnings: r.warnings,
    place: s.place,
    bookmarks: listBookmarks(sessionsDb, s.id).map((b) => bookmarkView(s, b)),
    tidMapArg: tidMapArg(r),
  };
}

/** Save the session's settings (the logs, map, canonicalization, place). */
export function persistSession(s: OpenSession, sessionsDb: Db): void {
  upsertSession(sessionsDb, {
    sessionId: s.id,
    name: s.name,
    canaryPath: s.canary.path,
    canaryFingerprint: s.canary.log.fingerprint,
    canarySize: s.canary.log.size,
    oursPath: s.ours.path,
    oursFingerprint: s.ours.log.fingerprint,
    oursSize: s.ours.log.size,
    canonicalize: s.canonicalize,
    tidMap: tidMapJson(s.tidPairs),
    place: s.place,
  });
}

export function closeSession(s: OpenSession): void {
  s.canary.close();
  s.ours.close();
}
