// The mapping panel's two columns: every canary thread and every ours thread
// of the session, by tid as the summary orders them, each with what it is
// compared with now.
import type { PairView, SessionView, ThreadView } from '../../shared/api';
import { tidOrder } from './tidOrder';

interface CanaryThreadRow {
  thread: ThreadView;
  /** The pair it is in, or null: not compared. */
  pair: PairView | null;
}

interface OursThreadRow {
  thread: ThreadView;
  /** The pairs that compare against it (more than one when the user kept both). */
  pairs: PairView[];
}

export interface ThreadLists {
  canary: CanaryThreadRow[];
  ours: OursThreadRow[];
}

const byTid = (a: { thread: ThreadView }, b: { thread: ThreadView }): number => tidOrder(a.thread.tid, b.thread.tid) || a.thread.threadNo - b.thread.threadNo;

export function threadLists(s: SessionView): ThreadLists {
  const canary = new Map<string, CanaryThreadRow>();
  const ours = new Map<string, OursThreadRow>();
  for (const p of s.pairs) {
    canary.set(p.canary.tidKey, { thread: p.canary, pair: p });
    const o = ours.get(p.ours.tidKey);
    if (o) o.pairs.push(p);
    else ours.set(p.ours.tidKey, { thread: p.ours, pairs: [p] });
  }
  for (const t of s.unmappedCanary) if (!canary.has(t.tidKey)) canary.set(t.tidKey, { thread: t, pair: null });
  for (const t of s.unmappedOurs) if (!ours.has(t.tidKey)) ours.set(t.tidKey, { thread: t, pairs: [] });
  return { canary: [...canary.values()].sort(byTid), ours: [...ours.values()].sort(byTid) };
}

/** The canary threads other than `canaryKey` that compare against this ours thread now. */
export function otherPartners(s: SessionView, canaryKey: string, oursKey: string): ThreadView[] {
  return s.pairs.filter((p) => p.ours.tidKey === oursKey && p.canary.tidKey !== canaryKey).map((p) => p.canary);
}
