// One 'session/open' in flight: its client-made job id, and the latest
// 'ingest/progress' of each log, from which the bars derive rate and time left,
// then, under a session's own rules, the 'rules/progress' of the keys derived
// from the index, then the 'align/progress' of the pairs the index had no alignment for.
import type { AlignProgressEvent, IngestProgressEvent, RulesProgressEvent, Side } from '../../shared/api';
import { backend } from './backend';

export interface SideProgress {
  /** Bytes of the file (compressed, for a compressed log: what the fraction and the time left are reckoned on). */
  bytesDone: number;
  bytesTotal: number;
  /** A compressed log: what it has decompressed to so far; null for a plain log. */
  contentBytes: number | null;
  events: number;
  elapsedMs: number;
  /** 0..1 */
  fraction: number;
  eventsPerSecond: number | null;
  /** null until there is enough to estimate. */
  msLeft: number | null;
  done: boolean;
  /** The log's index already existed: nothing was read again. */
  reused: boolean;
  /** Both logs are indexed and the threads are being compared. */
  comparing: boolean;
}

function newJobId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function sideProgress(p: IngestProgressEvent | null, reused = p?.phase === 'reused'): SideProgress | null {
  if (!p) return null;
  const fraction = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 1;
  const seconds = p.elapsedMs / 1000;
  const done = p.bytesDone >= p.bytesTotal;
  return {
    bytesDone: p.bytesDone,
    bytesTotal: p.bytesTotal,
    contentBytes: p.contentBytes ?? null,
    events: p.events,
    elapsedMs: p.elapsedMs,
    fraction,
    eventsPerSecond: seconds > 0.05 ? p.events / seconds : null,
    msLeft: done ? 0 : p.bytesDone > 0 && p.elapsedMs > 100 ? ((p.bytesTotal - p.bytesDone) * p.elapsedMs) / p.bytesDone : null,
    done: done || p.phase !== 'indexing',
    reused,
    comparing: p.phase === 'comparing',
  };
}

export class IngestJob {
  readonly id = newJobId();
  private latest = $state.raw<Record<Side, IngestProgressEvent | null>>({ canary: null, ours: null });
  /** Whether a side's index was reused (the 'comparing' event that follows no longer says so). */
  private reused = $state.raw<Record<Side, boolean>>({ canary: false, ours: false });
  cancelling = $state(false);
  /** Set when 'session/open' has answered: nothing left to cancel. */
  settled = false;
  private readonly off: () => void;

  readonly canary = $derived(sideProgress(this.latest.canary, this.reused.canary));
  readonly ours = $derived(sideProgress(this.latest.ours, this.reused.ours));
  readonly comparing = $derived(this.latest.canary?.phase === 'comparing' || this.latest.ours?.phase === 'comparing');
  /** The alignment of the pairs the index keeps none for (null: none to align, or not started). */
  align = $state.raw<AlignProgressEvent | null>(null);
  private readonly offAlign: () => void;
  /** Each event's key derived under the session's rules (null: the reference's rules, nothing to derive). */
  deriving = $state.raw<RulesProgressEvent | null>(null);
  private readonly offDeriving: () => void;

  constructor(
    readonly canaryPath: string,
    readonly oursPath: string,
    readonly label: string,
  ) {
    this.off = backend.on('ingest/progress', (p) => {
      if (p.jobId !== this.id) return;
      // 'comparing' carries no timing: keep how long the indexing took.
      const before = this.latest[p.side];
      this.latest = { ...this.latest, [p.side]: p.phase === 'comparing' && before ? { ...p, elapsedMs: before.elapsedMs } : p };
      if (p.phase === 'reused') this.reused = { ...this.reused, [p.side]: true };
    });
    this.offAlign = backend.on('align/progress', (p) => {
      if (p.jobId === this.id) this.align = p;
    });
    this.offDeriving = backend.on('rules/progress', (p) => {
      if (p.jobId === this.id) this.deriving = p;
    });
  }

  async cancel(): Promise<void> {
    if (this.cancelling || this.settled) return;
    this.cancelling = true;
    // A cancel can overtake its open on the way to the host (two requests);
    // the host then knows no such job yet. Ask again until it does or the open answers.
    for (let attempt = 0; attempt < 50 && !this.settled; attempt++) {
      const r = await backend.request('session/cancel', { jobId: this.id });
      if (!r.ok || r.value.cancelled) return;
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  dispose(): void {
    this.settled = true;
    this.off();
    this.offAlign();
    this.offDeriving();
  }
}
