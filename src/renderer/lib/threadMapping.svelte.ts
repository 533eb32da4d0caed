// Thread remapping: the mapping panel's selection (a canary thread or an ours
// thread picked first, waiting for its partner), the question asked when the
// ours thread is already compared with another canary thread (replace that
// pair, or keep both), the similarity mapping the host proposes (applied in
// one step), undo, and what the host said each change did.
import type { MapChange, MapProposal, Result, Side, ThreadView } from '../../shared/api';
import { backend } from './backend';
import { otherPartners } from './threadLists';
import { workbench } from './workbench.svelte';

interface PickedThread {
  side: Side;
  thread: ThreadView;
}

/** Pairing canary with an ours thread that other canary threads compare against: ask first. */
export interface PairQuestion {
  canary: ThreadView;
  ours: ThreadView;
  others: ThreadView[];
}

const OPEN_KEY = 'lockstep.mappingOpen';

function storedOpen(): boolean {
  try {
    return localStorage.getItem(OPEN_KEY) === '1';
  } catch {
    return false;
  }
}

class ThreadMapping {
  /** The panel is shown under the summary. */
  open = $state(storedOpen());
  picked = $state.raw<PickedThread | null>(null);
  question = $state.raw<PairQuestion | null>(null);
  /** The host's words for the last change, and which session they belong to. */
  changes = $state.raw<{ sessionId: string; lines: string[] } | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);
  /** The similarity mapping proposed for a session, beside the mapping in effect. */
  proposal = $state.raw<{ sessionId: string; value: MapProposal } | null>(null);
  proposing = $state(false);

  constructor() {
    workbench.onSessionShown(() => {
      this.cancel();
      this.changes = null;
      this.error = null;
      this.proposal = null;
    });
  }

  /** The proposal for this session, if it has been asked for. */
  proposalFor(sessionId: string): MapProposal | null {
    return this.proposal?.sessionId === sessionId ? this.proposal.value : null;
  }

  /** Ask the host for the similarity mapping (computed once per session there; its changes are against the mapping now). */
  async fetchProposal(): Promise<void> {
    const s = workbench.session;
    if (!s || this.proposing) return;
    this.proposing = true;
    const r = await backend.request('map/propose', { sessionId: s.id });
    this.proposing = false;
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    if (workbench.session?.id === s.id) this.proposal = { sessionId: s.id, value: r.value };
  }

  /** Make the proposal the session's mapping (undoable). */
  async applyProposal(): Promise<void> {
    const s = workbench.session;
    if (!s) return;
    await this.apply(backend.request('map/apply-proposal', { sessionId: s.id }));
  }

  /** Undo the last change to the mapping, whichever it was. */
  async undo(): Promise<void> {
    const s = workbench.session;
    if (!s || !s.mapUndo) return;
    await this.apply(backend.request('map/undo', { sessionId: s.id }));
  }

  setOpen(open: boolean): void {
    this.open = open;
    if (!open) this.cancel();
    try {
      localStorage.setItem(OPEN_KEY, open ? '1' : '0');
    } catch {
      // Not remembered: fine.
    }
  }

  /** Esc: forget the picked thread and any open question. */
  cancel(): void {
    this.picked = null;
    this.question = null;
  }

  /** Click (or Enter) on a thread: pick it, or pair it with the thread picked on the other side. */
  choose(side: Side, thread: ThreadView): void {
    const p = this.picked;
    if (!p || p.side === side) {
      this.picked = p && p.thread.tidKey === thread.tidKey && p.side === side ? null : { side, thread };
      this.question = null;
      return;
    }
    const canary = side === 'canary' ? thread : p.thread;
    const ours = side === 'ours' ? thread : p.thread;
    this.propose(canary, ours);
  }

  /** Pair two threads; if the ours thread is taken, ask whether to replace or keep both. */
  propose(canary: ThreadView, ours: ThreadView): void {
    const s = workbench.session;
    if (!s) return;
    const others = otherPartners(s, canary.tidKey, ours.tidKey);
    if (others.length > 0) {
      this.question = { canary, ours, others };
      return;
    }
    void this.pair(canary, ours, true);
  }

  async pair(canary: ThreadView, ours: ThreadView, exclusive: boolean): Promise<void> {
    const s = workbench.session;
    if (!s) return;
    await this.apply(backend.request('map/pair', { sessionId: s.id, canaryTidKey: canary.tidKey, oursTidKey: ours.tidKey, exclusive }));
  }

  async unpair(canary: ThreadView): Promise<void> {
    const s = workbench.session;
    if (!s) return;
    await this.apply(backend.request('map/unpair', { sessionId: s.id, canaryTidKey: canary.tidKey }));
  }

  async reset(): Promise<void> {
    const s = workbench.session;
    if (!s) return;
    await this.apply(backend.request('map/reset', { sessionId: s.id }));
  }

  /** The changes of this session only (another session's words would mislead). */
  linesFor(sessionId: string): string[] {
    return this.changes?.sessionId === sessionId ? this.changes.lines : [];
  }

  private async apply(request: Promise<Result<MapChange>>): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    const r = await request;
    this.busy = false;
    this.cancel();
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    workbench.applySession(r.value.session);
    this.changes = { sessionId: r.value.session.id, lines: r.value.changes };
    // What the proposal would change is against the mapping now: ask again (the host keeps the proposal).
    if (this.proposal?.sessionId === r.value.session.id) await this.fetchProposal();
  }
}

export const threadMapping = new ThreadMapping();
