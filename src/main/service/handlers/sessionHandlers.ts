// Opening pairs of logs and session files, cancelling, saving.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LogCheck, SessionFileOpened, Side } from '../../../shared/api';
import { IndexedLog } from '../../diff/indexedLog';
import { jsonDumpsExact } from '../../py/format';
import { pyJsonLoads } from '../../py/parse';
import { pyHashKey } from '../../py/value';
import { fingerprintFile } from '../../ingest/fingerprint';
import { ingestPair } from '../../ingest/ingestPair';
import { IngestCancelled } from '../../ingest/logErrors';
import { readSessionFile, SESSION_FILE_FORMAT, SESSION_FILE_VERSION, SessionFileError, writeSessionFile, type SessionFile } from '../../sessions/sessionFile';
import { listBookmarks, portableBookmark, putBookmark } from '../../store/bookmarks';
import { findSessionByPaths, recentSessions, setSessionPlace } from '../../store/sessions';
import { RequestError, type Handlers, type WorkbenchContext } from '../context';
import { closeSession, computeDiff, persistSession, sessionView, tidMapJson, tidPairsFromJson, type OpenSession } from '../openSession';

interface Saved {
  sessionId?: string;
  name?: string;
  canonicalize?: boolean;
  tidMap?: [string, string][] | null;
  place?: { pairKey: string; position: number } | null;
}

function pairKeyOfTidJson(tid: string): string {
  try {
    return pyHashKey(pyJsonLoads(tid));
  } catch {
    return '';
  }
}

function shortName(p: string): string {
  return p.split('/').pop() ?? p;
}

/** Ingest (or reuse) both logs with progress under jobId, then diff them with the session's settings. */
async function openLogs(ctx: WorkbenchContext, jobId: string, canaryPath: string, oursPath: string, saved: Saved): Promise<OpenSession> {
  if (ctx.jobs.has(jobId)) throw new RequestError({ code: 'conflict', message: `job ${jobId} is already running` });
  if (ctx.cancelledEarly.delete(jobId)) throw new IngestCancelled();
  const abort = new AbortController();
  ctx.jobs.set(jobId, abort);
  try {
    const pair = await ingestPair(
      ctx.db,
      ctx.dbPath,
      { path: canaryPath, label: canaryPath },
      { path: oursPath, label: oursPath },
      {
        signal: abort.signal,
        workerThreshold: 0, // always off the thread that answers requests
        onProgress: (side, { reused, ...p }) => ctx.emit('ingest/progress', { jobId, side, phase: reused ? 'reused' : 'indexing', ...p }),
      },
    );
    if (abort.signal.aborted) throw new IngestCancelled();
    for (const [side, log] of [
      ['canary', pair.canary],
      ['ours', pair.ours],
    ] as const) {
      ctx.emit('ingest/progress', { jobId, side, phase: 'comparing', bytesDone: log.size, bytesTotal: log.size, events: log.eventCount, elapsedMs: 0 });
    }
    const id = saved.sessionId ?? randomUUID();
    const previous = ctx.sessions.get(id);
    if (previous) closeSession(previous);
    const s: OpenSession = {
      id,
      name: saved.name ?? `${shortName(canaryPath)} ↔ ${shortName(oursPath)}`,
      canary: new IndexedLog(ctx.db, pair.canary, canaryPath, canaryPath),
      ours: new IndexedLog(ctx.db, pair.ours, oursPath, oursPath),
      canonicalize: saved.canonicalize ?? true,
      tidPairs: tidPairsFromJson(saved.tidMap ?? null),
      result: undefined as never,
      place: saved.place ?? null,
    };
    s.result = computeDiff(s);
    ctx.sessions.set(id, s);
    persistSession(s, ctx.sessionsDb);
    return s;
  } finally {
    ctx.jobs.delete(jobId);
  }
}

function checkLog(side: Side, path: string, expected: { fingerprint: string; size: number }): LogCheck {
  if (!existsSync(path)) return { side, path, state: 'missing', expected };
  try {
    const fp = fingerprintFile(path);
    return { side, path, state: fp.fingerprint === expected.fingerprint && fp.size === expected.size ? 'ok' : 'changed', expected };
  } catch {
    return { side, path, state: 'missing', expected };
  }
}

export function sessionHandlers(
  ctx: WorkbenchContext,
): Handlers<
  | 'app/info'
  | 'session/open'
  | 'session/cancel'
  | 'session/close'
  | 'session/get'
  | 'session/place'
  | 'session/canonicalize'
  | 'session/save-as'
  | 'session/open-file'
> {
  return {
    'app/info': () => ({
      version: ctx.opts.version,
      host: ctx.opts.host,
      demo: ctx.opts.demo,
      recent: recentSessions(ctx.sessionsDb).map((r) => ({
        sessionId: r.sessionId,
        name: r.name,
        canaryPath: r.canaryPath,
        oursPath: r.oursPath,
        openedAt: r.openedAt,
      })),
    }),

    'session/open': async ({ jobId, canaryPath, oursPath, canonicalize }) => {
      const c = resolve(canaryPath);
      const o = resolve(oursPath);
      const saved = findSessionByPaths(ctx.sessionsDb, c, o);
      const s = await openLogs(ctx, jobId, c, o, {
        ...(saved ? { sessionId: saved.sessionId, name: saved.name, canonicalize: saved.canonicalize, tidMap: saved.tidMap, place: saved.place } : {}),
        ...(canonicalize !== undefined ? { canonicalize } : {}),
      });
      return sessionView(s, ctx.sessionsDb);
    },

    'session/cancel': ({ jobId }) => {
      const job = ctx.jobs.get(jobId);
      if (job) {
        job.abort();
        return { cancelled: true };
      }
      // The open may still be on its way: remember the cancel for a minute.
      const now = Date.now();
      for (const [id, at] of ctx.cancelledEarly) if (now - at > 60_000) ctx.cancelledEarly.delete(id);
      ctx.cancelledEarly.set(jobId, now);
      return { cancelled: true };
    },

    'session/close': ({ sessionId }) => {
      const s = ctx.sessions.get(sessionId);
      if (s) {
        closeSession(s);
        ctx.sessions.delete(sessionId);
      }
      return { closed: s !== undefined };
    },

    'session/get': ({ sessionId }) => sessionView(ctx.session(sessionId), ctx.sessionsDb),

    'session/place': ({ sessionId, pairKey, position }) => {
      const s = ctx.session(sessionId);
      ctx.pair(s, pairKey);
      s.place = { pairKey, position };
      setSessionPlace(ctx.sessionsDb, sessionId, s.place);
      return { saved: true as const };
    },

    'session/canonicalize': ({ sessionId, canonicalize }) => {
      const s = ctx.session(sessionId);
      s.canonicalize = canonicalize;
      s.result = computeDiff(s);
      persistSession(s, ctx.sessionsDb);
      return sessionView(s, ctx.sessionsDb);
    },

    'session/save-as': ({ sessionId, path }) => {
      const s = ctx.session(sessionId);
      const placePair = s.place ? s.result.pairs.find((p) => p.canaryThread.tidKey === s.place!.pairKey) : undefined;
      const file: SessionFile = {
        format: SESSION_FILE_FORMAT,
        version: SESSION_FILE_VERSION,
        writtenBy: `Lockstep ${ctx.opts.version}`,
        id: s.id,
        name: s.name,
        savedAt: new Date().toISOString(),
        logs: {
          canary: { path: s.canary.path, fingerprint: s.canary.log.fingerprint, size: s.canary.log.size },
          ours: { path: s.ours.path, fingerprint: s.ours.log.fingerprint, size: s.ours.log.size },
        },
        canonicalize: s.canonicalize,
        tidMap: tidMapJson(s.tidPairs),
        place: s.place && placePair ? { canaryTid: jsonDumpsExact(placePair.canaryThread.tid), position: s.place.position } : null,
        bookmarks: listBookmarks(ctx.sessionsDb, s.id).map(portableBookmark),
      };
      const target = resolve(path);
      try {
        writeSessionFile(target, file);
      } catch (e) {
        throw new RequestError({ code: 'input', message: `cannot write ${target}: ${(e as Error).message}` });
      }
      return { path: target };
    },

    'session/open-file': async ({ jobId, path, canaryPath, oursPath }): Promise<SessionFileOpened> => {
      let file: SessionFile;
      try {
        file = readSessionFile(resolve(path));
      } catch (e) {
        if (e instanceof SessionFileError) throw new RequestError({ code: 'input', message: e.message, detail: { file: path } });
        throw e;
      }
      const logs: LogCheck[] = [
        checkLog('canary', resolve(canaryPath ?? file.logs.canary.path), file.logs.canary),
        checkLog('ours', resolve(oursPath ?? file.logs.ours.path), file.logs.ours),
      ];
      // A log the user pointed at explicitly is accepted even if it changed; a missing one never is.
      const given = { canary: canaryPath !== undefined, ours: oursPath !== undefined };
      if (logs.some((l) => l.state === 'missing' || (l.state === 'changed' && !given[l.side]))) {
        return { kind: 'locate', name: file.name, logs };
      }
      // Import: the session's settings, then its bookmarks merged with any already here (the newer edit of each wins).
      const s = await openLogs(ctx, jobId, logs[0]!.path, logs[1]!.path, {
        sessionId: file.id,
        name: file.name,
        canonicalize: file.canonicalize,
        tidMap: file.tidMap,
        place: file.place ? { pairKey: pairKeyOfTidJson(file.place.canaryTid), position: file.place.position } : null,
      });
      ctx.sessionsDb.transaction(() => {
        for (const b of file.bookmarks) putBookmark(ctx.sessionsDb, { ...b, bookmarkId: b.id, sessionId: file.id });
      })();
      return { kind: 'opened', session: sessionView(s, ctx.sessionsDb) };
    },
  };
}
