// The decompressed copies of compressed logs (store/readBackCopies.ts): a
// cache the user can see (app/info) and clear. The copies of the logs open in
// a session are kept: their rows are being read from them.
import type { WorkbenchContext, Handlers } from '../context';
import { clearReadBackCopies } from '../../store/logWriter';
import { readBackCopyUsage } from '../../store/readBackCopies';

export function cacheHandlers(ctx: WorkbenchContext): Handlers<'cache/clear'> {
  return {
    'cache/clear': () => {
      const open = new Set<number>();
      for (const s of ctx.sessions.values()) for (const l of [s.canary, s.ours]) open.add(l.log.logId);
      const r = clearReadBackCopies(ctx.db, open);
      return { copies: readBackCopyUsage(ctx.db), freedBytes: r.bytes, removed: r.logs, kept: r.kept };
    },
  };
}
