// One way to change a session's mapping, whatever asked for it (a pair by
// hand, an unpair, back to automatic, the similarity proposal applied): the
// summary is recomputed from the index (the pairs not kept there aligned in a
// worker), the session saved, and the mapping before kept so that map/undo can
// bring it back. Callers run these one after the other per session (serially):
// each reads the mapping the change before it left.
import type { MapChange } from '../../shared/api';
import type { TidPair } from '../diff/tidMap';
import type { Db } from '../store/db';
import { persistSession, recompute, sessionView, type OpenSession, type RecomputeContext } from './openSession';

/** Changes a session remembers for undo (older ones are forgotten). */
const UNDO_DEPTH = 50;

/** What a change of mapping needs of the workbench. */
export interface MapChangeContext extends RecomputeContext {
  readonly sessionsDb: Db;
}

export async function changeMapping(ctx: MapChangeContext, s: OpenSession, pairs: TidPair[] | null, changes: string[], label: string): Promise<MapChange> {
  const before = s.tidPairs;
  await recompute(ctx, s, { tidPairs: pairs });
  // Remembered only once the change took: a failed alignment leaves nothing to undo.
  s.mapHistory.push({ pairs: before, label });
  if (s.mapHistory.length > UNDO_DEPTH) s.mapHistory.shift();
  persistSession(s, ctx.sessionsDb);
  return { session: sessionView(s, ctx.sessionsDb), changes };
}

/** Bring back the mapping before the last change. */
export async function undoMapping(ctx: MapChangeContext, s: OpenSession): Promise<MapChange> {
  const last = s.mapHistory.at(-1);
  if (!last) return { session: sessionView(s, ctx.sessionsDb), changes: ['nothing to undo'] };
  await recompute(ctx, s, { tidPairs: last.pairs });
  s.mapHistory.pop();
  persistSession(s, ctx.sessionsDb);
  return { session: sessionView(s, ctx.sessionsDb), changes: [`undone: ${last.label}`] };
}
