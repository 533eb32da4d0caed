// Export of the session's report in every format.
import { resolve } from 'node:path';
import { renderReport } from '../../report/exportReport';
import { portableBookmark } from '../../store/bookmarks';
import { noSpace, writeFailureReason, writeFileAtomic } from '../../store/noSpace';
import { RequestError, type Handlers, type WorkbenchContext } from '../context';
import { readableBookmarks, tidMapArg } from '../openSession';

export function reportHandlers(ctx: WorkbenchContext): Handlers<'report/export'> {
  return {
    'report/export': ({ sessionId, format, path }) => {
      const s = ctx.session(sessionId);
      // The session's signatures and its baseline go into the JSON report, as `lockstep diff --baseline` puts them.
      const signatures = format === 'json' ? new Map(s.result.pairs.map((p) => [p.canaryThread.tidKey, s.triage.ofPair(s, p.canaryThread.tidKey)])) : undefined;
      const text = renderReport(format, {
        result: s.result,
        canary: s.canary,
        ours: s.ours,
        sessionName: s.name,
        tidMapArg: tidMapArg(s.result),
        manualMap: s.tidPairs !== null,
        bookmarks: readableBookmarks(s, ctx.sessionsDb).rows.map(portableBookmark),
        generator: `Lockstep ${ctx.opts.version}`,
        ...(signatures ? { signatures, baseline: s.triage.comparison(s, ctx.sessionsDb) } : {}),
      });
      if (path) {
        try {
          writeFileAtomic(resolve(path), text);
        } catch (e) {
          const message = `cannot write ${path}: ${writeFailureReason(e)}`;
          throw new RequestError(noSpace(e) ? { code: 'disk-full', message: `${message}; nothing was written` } : { code: 'input', message });
        }
      }
      return { text, path: path ? resolve(path) : null };
    },
  };
}
