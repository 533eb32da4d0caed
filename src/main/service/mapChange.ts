// One way to change a session's mapping, whatever asked for it (a pair by
// hand, an unpair, back to automatic, the similarity proposal applied): the
// summary is recomputed from the index, the session saved, and the mapping
// before kept so that map/undo can bring it back.
import type { MapChange } from '../../shared/api';
import type { TidPair } from '../diff/tidMap';
import type { Db } from '../store/db';
import { persistSession, recompute, sessionView, type OpenSession } from './openSession';

/** Changes a session remembers for undo (older ones are forgotten). */
const UNDO_DEPTH = 50;

export function changeMapping(s: OpenSession, sessionsDb: Db, pairs: TidPair[] | null, changes: string[], label: string): MapChange {
  s.mapHistory.push({ pairs: s.tidPairs, label });
  if (s.mapHistory.length > UNDO_DEPTH) s.mapHistory.shift();
  s.tidPairs = pairs;
  recompute(s);
  persistSession(s, sessionsDb);
  return { session: sessionView(s, sessionsDb), changes };
}

/** Bring back the mapping before the last change. */
export function undoMapping(s: OpenSession, sessionsDb: Db): MapChange {
  const last = s.mapHistory.pop();
  if (!last) return { session: sessionView(s, sessionsDb), changes: ['nothing to undo'] };
  s.tidPairs = last.pairs;
  recompute(s);
  persistSession(s, sessionsDb);
  return { session: sessionView(s, sessionsDb), changes: [`undone: ${last.label}`] };
}
