// The session's rules: compare under others, keys derived from the index
// (no log is read again), with progress and a cancel; the rules are saved
// with the session.
import { fromRulesData } from '../../rules/rulesData';
import { RulesError } from '../../rules/rulesFile';
import { RequestError, type Handlers, type WorkbenchContext } from '../context';
import { persistSession, recomputeUnder, serially, sessionView, startJob } from '../openSession';

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
      const job = startJob(ctx, jobId);
      // After the session's changes under way (mapping, settings): each reads what the one before left.
      return serially(s, async () => {
        try {
          const done = await recomputeUnder(
            ctx,
            s,
            s.canonicalize,
            parsed,
            (phase, n, total) => ctx.emit('rules/progress', { jobId, phase, done: n, total }),
            job.signal,
          );
          if (!done) throw new RequestError({ code: 'cancelled', message: 'cancelled: the rules are as they were' });
        } finally {
          job.end();
        }
        persistSession(s, ctx.sessionsDb);
        return sessionView(s, ctx.sessionsDb);
      });
    },
  };
}
