// Manual thread remapping: pair, re-pair, unpair, back to automatic, undo.
// The summary recomputes from the index at once, without re-ingesting.
import type { MapChange } from '../../../shared/api';
import type { ThreadInfo } from '../../diff/indexedLog';
import type { TidPair } from '../../diff/tidMap';
import { pyStr } from '../../py/format';
import { pyHashKey } from '../../py/value';
import { notFound, type Handlers, type WorkbenchContext } from '../context';
import { changeMapping, undoMapping } from '../mapChange';
import { serially, sessionView, type OpenSession } from '../openSession';

/** The mapping in effect, as a manual one (switching to manual starts from the automatic pairs). */
function manualPairs(s: OpenSession): TidPair[] {
  if (s.tidPairs) return [...s.tidPairs];
  return s.result.pairs.map((p) => ({ canaryTid: p.canaryTid, oursTid: p.oursTid, reason: { by: 'manual' as const } }));
}

function thread(s: OpenSession, side: 'canary' | 'ours', key: string): ThreadInfo {
  const t = (side === 'canary' ? s.canary : s.ours).threadByKey(key);
  if (!t) throw notFound(`no ${side} thread ${key} in this session`);
  return t;
}

export function mapHandlers(ctx: WorkbenchContext): Handlers<'map/pair' | 'map/unpair' | 'map/reset' | 'map/undo'> {
  // Each change is remembered for undo under its first line of words.
  const apply = (s: OpenSession, pairs: TidPair[] | null, changes: string[]): Promise<MapChange> => changeMapping(ctx, s, pairs, changes, changes[0]!);
  // Each change starts from what the change before it left (the alignment of one may take a while).
  const change = (sessionId: string, body: (s: OpenSession) => Promise<MapChange> | MapChange): Promise<MapChange> => {
    const s = ctx.session(sessionId);
    return serially(s, async () => body(s));
  };

  return {
    'map/pair': ({ sessionId, canaryTidKey, oursTidKey, exclusive }) =>
      change(sessionId, (s) => {
        const c = thread(s, 'canary', canaryTidKey);
        const o = thread(s, 'ours', oursTidKey);
        const cName = `canary ${pyStr(c.tid)}`;
        const oName = `ours ${pyStr(o.tid)}`;
        let pairs = manualPairs(s);
        const changes: string[] = [];
        const before = pairs.find((p) => pyHashKey(p.canaryTid) === canaryTidKey);
        if (before && pyHashKey(before.oursTid) === oursTidKey)
          return { session: sessionView(s, ctx.sessionsDb), changes: [`${cName} is already paired with ${oName}`] };
        if (before) changes.push(`${cName} was paired with ours ${pyStr(before.oursTid)}; now with ${oName}`);
        else changes.push(`${cName} is now paired with ${oName}`);
        pairs = pairs.filter((p) => pyHashKey(p.canaryTid) !== canaryTidKey);
        const sharing = pairs.filter((p) => pyHashKey(p.oursTid) === oursTidKey);
        for (const p of sharing) {
          if (exclusive) changes.push(`canary ${pyStr(p.canaryTid)} is no longer compared (it was paired with ${oName})`);
          else changes.push(`canary ${pyStr(p.canaryTid)} stays paired with ${oName} too: both compare against it`);
        }
        if (exclusive) pairs = pairs.filter((p) => pyHashKey(p.oursTid) !== oursTidKey);
        pairs.push({ canaryTid: c.tid, oursTid: o.tid, reason: { by: 'manual' } });
        return apply(s, pairs, changes);
      }),

    'map/unpair': ({ sessionId, canaryTidKey }) =>
      change(sessionId, (s) => {
        const c = thread(s, 'canary', canaryTidKey);
        const pairs = manualPairs(s);
        const was = pairs.find((p) => pyHashKey(p.canaryTid) === canaryTidKey);
        if (!was) return { session: sessionView(s, ctx.sessionsDb), changes: [`canary ${pyStr(c.tid)} was not paired`] };
        return apply(
          s,
          pairs.filter((p) => p !== was),
          [`canary ${pyStr(c.tid)} is no longer paired (it was paired with ours ${pyStr(was.oursTid)})`],
        );
      }),

    'map/reset': ({ sessionId }) =>
      change(sessionId, (s) => {
        if (!s.tidPairs) return { session: sessionView(s, ctx.sessionsDb), changes: ['the mapping was already automatic'] };
        return apply(s, null, ['back to the automatic mapping by first kernel.call name']);
      }),

    'map/undo': ({ sessionId }) => change(sessionId, (s) => undoMapping(ctx, s)),
  };
}
