// The session's rules: compare under others, keys derived from the index
// (no log is read again), with progress and a cancel; the rules are saved
// with the session.
import { fromRulesData } from '../../rules/rulesData';
import { RulesError } from '../../rules/rulesFile';
import { IngestCancelled } from '../../ingest/logErrors';
import { RequestError, type Handlers, type WorkbenchContext } from '../context';
import { JobConflict, persistSession, recomputeUnder, sessionView } from '../openSession';

export function rulesHandlers(ctx: WorkbenchContext): Handlers<'session/rules'> {
  return {
    'session/rules': async ({ sessionId, jobId, rules }) => {
      const s = ctx.session(sessionId);
      let parsed;
      try {
        parsed = fromRulesData(rules);
      } catch (e) {
        if (e instanceof RulesError) throw new RequestError({ code: 'input', message: e.message });
        throw e;
      }
      if (ctx.jobs.has(jobId)) throw new JobConflict(jobId);
      if (ctx.cancelledEarly.delete(jobId)) throw new IngestCancelled();
      const abort = new AbortController();
      ctx.jobs.set(jobId, abort);
      try {
        const done = await recomputeUnder(
          s,
          s.canonicalize,
          parsed,
          (phase, n, total) => ctx.emit('rules/progress', { jobId, phase, done: n, total }),
          abort.signal,
        );
        if (!done) throw new RequestError({ code: 'cancelled', message: 'cancelled: the rules are as they were' });
      } finally {
        ctx.jobs.delete(jobId);
      }
      persistSession(s, ctx.sessionsDb);
      return sessionView(s, ctx.sessionsDb);
    },
  };
}
