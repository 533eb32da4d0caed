// The context viewer's state for one pair: which row is selected, where the
// list should scroll, and the keyboard's commands (move, page, next/previous
// difference, jump to a tid_event_idx). The place is saved with the session,
// debounced, so reopening lands where the user left.
import type { PairView, RowView, SessionView, Side } from '../../shared/api';
import { backend } from './backend';
import { RowWindows } from './rowWindows.svelte';

export type RevealMode = 'nearest' | 'centre';

export interface RevealRequest {
  position: number;
  mode: RevealMode;
  /** Makes two requests for the same position distinct. */
  seq: number;
}

const PLACE_DEBOUNCE_MS = 400;

export class PairViewer {
  readonly rows: RowWindows;
  readonly total: number;
  selected = $state(0);
  reveal = $state.raw<RevealRequest | null>(null);
  /** A short line for the status bar ("no further differing row"). */
  message = $state<string | null>(null);
  /** Rows that fit on screen; the list reports it, PageUp/PageDown use it. */
  pageRows = $state(20);
  busy = $state(false);

  private placeTimer: ReturnType<typeof setTimeout> | null = null;
  private messageTimer: ReturnType<typeof setTimeout> | null = null;
  private seq = 0;

  constructor(
    readonly session: SessionView,
    readonly pair: PairView,
    startAt: number,
  ) {
    this.total = Math.max(pair.canaryTotal, pair.oursTotal);
    this.rows = new RowWindows(session.id, pair.key, this.total);
    this.selected = this.clamp(startAt);
    this.reveal = { position: this.selected, mode: 'centre', seq: this.seq++ };
  }

  /** The selected row, once its block has arrived. Reactive. */
  get selectedRow(): RowView | undefined {
    return this.rows.row(this.selected);
  }

  private clamp(position: number): number {
    return Math.max(0, Math.min(this.total - 1, Math.floor(position)));
  }

  select(position: number, mode: RevealMode = 'nearest'): void {
    if (this.total === 0) return;
    this.selected = this.clamp(position);
    this.reveal = { position: this.selected, mode, seq: this.seq++ };
    this.schedulePlace();
  }

  move(delta: number): void {
    this.select(this.selected + delta);
  }

  page(direction: 1 | -1): void {
    this.move(direction * Math.max(1, this.pageRows - 1));
  }

  home(): void {
    this.select(0);
  }

  end(): void {
    this.select(this.total - 1);
  }

  /** n / p: the next (previous) differing row from the selection, within this pair. */
  async seekDifference(direction: 1 | -1): Promise<void> {
    this.busy = true;
    const r = await backend.request('diff/seek', { sessionId: this.session.id, pairKey: this.pair.key, from: this.selected, direction });
    this.busy = false;
    if (!r.ok) return this.say(r.error.message);
    if (r.value.position === null) return this.say(direction === 1 ? 'No differing row after this one' : 'No differing row before this one');
    this.select(r.value.position, 'centre');
  }

  /** g: the first event of a side with tid_event_idx >= value. */
  async jumpToIndex(side: Side, tidEventIdx: number): Promise<boolean> {
    const r = await backend.request('diff/jump', { sessionId: this.session.id, pairKey: this.pair.key, side, tidEventIdx });
    if (!r.ok) {
      this.say(r.error.message);
      return false;
    }
    this.select(r.value.position, 'centre');
    if (!r.value.exact) {
      // Past the thread's end the host answers with its last event: say so rather than "the next one".
      const last = (side === 'canary' ? this.pair.canaryTotal : this.pair.oursTotal) - 1;
      this.say(`no event with tid_event_idx ${tidEventIdx}; showing ${r.value.position >= last ? `the ${side} thread's last one` : 'the next one'}`);
    }
    return true;
  }

  say(message: string): void {
    this.message = message;
    if (this.messageTimer) clearTimeout(this.messageTimer);
    this.messageTimer = setTimeout(() => (this.message = null), 4000);
  }

  private schedulePlace(): void {
    if (this.placeTimer) clearTimeout(this.placeTimer);
    this.placeTimer = setTimeout(() => this.savePlace(), PLACE_DEBOUNCE_MS);
  }

  /** Save now (leaving the pair); a failure here is not worth interrupting anyone. */
  savePlace(): void {
    if (this.placeTimer) clearTimeout(this.placeTimer);
    this.placeTimer = null;
    void backend.request('session/place', { sessionId: this.session.id, pairKey: this.pair.key, position: this.selected });
  }

  dispose(): void {
    if (this.placeTimer) this.savePlace();
    if (this.messageTimer) clearTimeout(this.messageTimer);
    this.rows.dispose();
  }
}
