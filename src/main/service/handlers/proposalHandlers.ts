// The similarity mapping in the workbench: proposed with every pair's reason
// and confidence beside the mapping in effect, and applied in one step (kept
// with the session, undone like any other change to the mapping).
import type { MapProposal, PairExplanation, ProposedPair, UnpairedProposal } from '../../../shared/api';
import { percent, similarityMapping, type SimilarityMapping, type SimilarityPair, type UnpairedThread } from '../../diff/similarityMap';
import type { TidPair } from '../../diff/tidMap';
import { pyStr } from '../../py/format';
import { pyCompare } from '../../py/value';
import { showControls } from '../../../shared/visibleControls';
import type { Handlers, WorkbenchContext } from '../context';
import { changeMapping } from '../mapChange';
import type { OpenSession } from '../openSession';
import { threadView } from '../views';

/** Lines of words an apply returns beyond its summary line. */
const MAX_CHANGE_LINES = 20;

/** The session's similarity mapping: computed once (it depends only on the logs), in canary tid order. */
function proposalOf(s: OpenSession): SimilarityMapping {
  if (!s.proposal) {
    const m = similarityMapping(s.canary.base, s.ours.base);
    m.pairs.sort((a, b) => {
      let c = NaN;
      try {
        c = pyCompare(a.canary.tid, b.canary.tid);
      } catch {
        // tids Python cannot order (a str and an int): creation order
      }
      return Number.isNaN(c) ? a.canary.threadNo - b.canary.threadNo : c;
    });
    s.proposal = m;
  }
  return s.proposal;
}

/** The ours thread each canary thread is compared with now. */
function currentPartners(s: OpenSession): Map<string, SimilarityPair['ours']> {
  return new Map(s.result.pairs.map((p) => [p.canaryThread.tidKey, p.oursThread]));
}

function explanation(p: SimilarityPair): PairExplanation {
  return { similarity: p.similarity, confidence: p.confidence, unsure: p.unsure, reason: showControls(p.reason) };
}

function unpairedView(u: UnpairedThread): UnpairedProposal {
  return {
    thread: threadView(u.side, u.thread),
    reason: showControls(u.reason),
    best: u.best ? { tid: showControls(pyStr(u.best.thread.tid)), similarity: u.best.similarity } : null,
  };
}

function proposalView(s: OpenSession): MapProposal {
  const m = proposalOf(s);
  const now = currentPartners(s);
  const proposed = new Set(m.pairs.map((p) => p.canary.tidKey));
  const pairs: ProposedPair[] = m.pairs.map((p) => {
    const was = now.get(p.canary.tidKey);
    const change = !was ? 'new' : was.tidKey === p.ours.tidKey ? 'kept' : 'moved';
    return {
      canary: threadView('canary', p.canary),
      ours: threadView('ours', p.ours),
      explanation: explanation(p),
      change,
      nowWith: change === 'moved' ? showControls(pyStr(was!.tid)) : null,
    };
  });
  const dropped = [...now.keys()].filter((k) => !proposed.has(k)).length;
  const changes = pairs.filter((p) => p.change !== 'kept').length + dropped;
  const ints = m.pairs.every((p) => typeof p.canary.tid === 'bigint' && typeof p.ours.tid === 'bigint');
  return {
    pairs,
    unpairedCanary: m.unpairedCanary.map(unpairedView),
    unpairedOurs: m.unpairedOurs.map(unpairedView),
    unsure: m.pairs.filter((p) => p.unsure).length,
    changes,
    applied: s.tidPairs !== null && changes === 0 && s.result.pairs.every((p) => p.reason.by === 'similarity'),
    tidMapArg: ints && m.pairs.length > 0 ? m.pairs.map((p) => `${pyStr(p.canary.tid)}=${pyStr(p.ours.tid)}`).join(',') : null,
  };
}

export function proposalHandlers(ctx: WorkbenchContext): Handlers<'map/propose' | 'map/apply-proposal'> {
  return {
    'map/propose': ({ sessionId }) => proposalView(ctx.session(sessionId)),

    'map/apply-proposal': ({ sessionId }) => {
      const s = ctx.session(sessionId);
      const m = proposalOf(s);
      const now = currentPartners(s);
      const pairs: TidPair[] = m.pairs.map((p) => ({
        canaryTid: p.canary.tid,
        oursTid: p.ours.tid,
        reason: { by: 'similarity', similarity: p.similarity, confidence: p.confidence, unsure: p.unsure, why: p.reason },
      }));
      const lines: string[] = [];
      for (const p of m.pairs) {
        const was = now.get(p.canary.tidKey);
        if (was && was.tidKey === p.ours.tidKey) continue;
        const c = `canary ${pyStr(p.canary.tid)}`;
        const o = `ours ${pyStr(p.ours.tid)}`;
        lines.push(`${c} is now paired with ${o}${was ? ` (was ours ${pyStr(was.tid)})` : ''}: ${p.reason} (confidence ${percent(p.confidence)})`);
      }
      const proposed = new Set(m.pairs.map((p) => p.canary.tidKey));
      for (const p of s.result.pairs) {
        if (!proposed.has(p.canaryThread.tidKey)) lines.push(`canary ${pyStr(p.canaryTid)} is no longer compared (the similarity mapping leaves it unpaired)`);
      }
      const unsure = m.pairs.filter((p) => p.unsure).length;
      const head = `applied the similarity mapping: ${m.pairs.length} pairs, ${lines.length} changed, ${unsure} unsure`;
      const shown = lines.length > MAX_CHANGE_LINES ? [...lines.slice(0, MAX_CHANGE_LINES), `… and ${lines.length - MAX_CHANGE_LINES} more`] : lines;
      return changeMapping(s, ctx.sessionsDb, pairs, [head, ...shown].map(showControls), 'applied the similarity mapping');
    },
  };
}
