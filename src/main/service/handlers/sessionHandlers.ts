// Opening pairs of logs and session files, cancelling, saving. The work lives
// where it belongs (opening: ../openSession; session files: ../../sessions;
// bookmarks: ../../store/bookmarks); these handlers only connect it to the contract.
import { readBackCopyUsage } from '../../store/readBackCopies';
import { resolve } from 'node:path';
import type { SessionFileOpened } from '../../../shared/api';
import { pyJsonLoads } from '../../py/parse';
import { pyHashKey } from '../../py/value';
import { readSessionFile, SessionFileError, writeSessionFile, type SessionFile } from '../../sessions/sessionFile';
import { locateSessionLogs } from '../../sessions/sessionLogs';
import { importBookmarks } from '../../store/bookmarks';
import { findSessionByPaths, setSessionPlace } from '../../store/sessions';
import { RequestError, type Handlers, type WorkbenchContext } from '../context';
import { IngestCancelled } from '../../ingest/logErrors';
import { closeSession, openLogs, persistSession, recentEntries, recompute, serially, sessionFileOf, sessionView, startJob } from '../openSession';

function pairKeyOfTidJson(tid: string): string {
  try {
    return pyHashKey(pyJsonLoads(tid));
  } catch {
    return '';
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
      recent: recentEntries(ctx.sessionsDb),
      notices: [...ctx.notices],
      copies: readBackCopyUsage(ctx.db),
    }),

    'session/open': async ({ jobId, canaryPath, oursPath, canonicalize, acceptTruncated }) => {
      const c = resolve(canaryPath);
      const o = resolve(oursPath);
      const saved = findSessionByPaths(ctx.sessionsDb, c, o);
      const s = await openLogs(ctx, jobId, c, o, {
        ...(saved
          ? {
              sessionId: saved.sessionId,
              name: saved.name,
              canonicalize: saved.canonicalize,
              rules: saved.rules,
              tidMap: saved.tidMap,
              tidMapReasons: saved.tidMapReasons,
              place: saved.place,
              lastSeen: { canary: saved.canaryFingerprint, ours: saved.oursFingerprint },
            }
          : {}),
        ...(canonicalize !== undefined ? { canonicalize } : {}),
        acceptTruncated: acceptTruncated ?? false,
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

    'session/place': ({ sessionId, pairKey, view, row }) => {
      const s = ctx.session(sessionId);
      const p = ctx.pair(s, pairKey);
      const rows = p.alignment.rows(view);
      const at = rows.at(Math.min(row, Math.max(0, rows.total - 1)));
      // Positions in the threads, which no rule changes.
      s.place = {
        pairKey,
        view,
        canary: at.canary === null ? null : s.canary.threadPos(p.c.thread.threadNo, at.canary),
        ours: at.ours === null ? null : s.ours.threadPos(p.o.thread.threadNo, at.ours),
      };
      setSessionPlace(ctx.sessionsDb, sessionId, s.place);
      return { saved: true as const };
    },

    'session/canonicalize': ({ sessionId, canonicalize, jobId }) => {
      const s = ctx.session(sessionId);
      // With a job id: progress ('rules/progress': under rules, the keys derived again first; then the alignments) and a cancel.
      const job = jobId === undefined ? null : startJob(ctx, jobId);
      const progress = (phase: 'deriving' | 'aligning') => (done: number, total: number) => ctx.emit('rules/progress', { jobId: jobId!, phase, done, total });
      return serially(s, async () => {
        try {
          await recompute(
            ctx,
            s,
            { canonicalize },
            job ? { jobId: null, signal: job.signal, onDeriving: progress('deriving'), onProgress: progress('aligning') } : { jobId: null },
          );
        } catch (e) {
          if (e instanceof IngestCancelled) throw new RequestError({ code: 'cancelled', message: 'cancelled: allocator canonicalization is as it was' });
          throw e;
        } finally {
          job?.end();
        }
        persistSession(s, ctx.sessionsDb);
        return sessionView(s, ctx.sessionsDb);
      });
    },

    'session/save-as': ({ sessionId, path }) => {
      const s = ctx.session(sessionId);
      const target = resolve(path);
      try {
        writeSessionFile(target, sessionFileOf(s, ctx.sessionsDb, `Lockstep ${ctx.opts.version}`));
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
      const located = locateSessionLogs(file, canaryPath, oursPath);
      if (located.needsLocating) return { kind: 'locate', name: file.name, logs: [located.canary, located.ours] };
      // Import: the session's settings, then its bookmarks merged with any already here (the newer edit of each wins).
      const s = await openLogs(ctx, jobId, located.canary.path, located.ours.path, {
        sessionId: file.id,
        name: file.name,
        canonicalize: file.canonicalize,
        rules: file.rules,
        tidMap: file.tidMap,
        tidMapReasons: file.tidMapReasons,
        place: file.place ? { pairKey: pairKeyOfTidJson(file.place.canaryTid), view: file.place.view, canary: file.place.canary, ours: file.place.ours } : null,
      });
      importBookmarks(ctx.sessionsDb, file.id, file.bookmarks);
      return { kind: 'opened', session: sessionView(s, ctx.sessionsDb) };
    },
  };
}
