// The context viewer's state for one pair: the view (aligned, or positional
// as the reference compares), which row is selected and where the list should
// scroll, the selected row in full, the hunks and the overview ruler, and the
// keyboard's commands (move, page, next/previous hunk, jump to a
// tid_event_idx). Seeks are queued: a quick run of n presses moves one hunk
// per press, none is dropped. The place is saved with the session, debounced.
import type { HunkView, OverviewMark, PairView, RowDetailView, RowView, SessionView, Side, ViewMode } from '../../shared/api';
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
const DETAIL_DEBOUNCE_MS = 40;
const HUNK_PAGE = 200;

export class PairViewer {
  view = $state<ViewMode>('aligned');
  rows = $state.raw<RowWindows>(null as never);
  total = $state(0);
  selected = $state(0);
  reveal = $state.raw<RevealRequest | null>(null);
  /** A short line for the status bar ("no further hunk"). */
  message = $state<string | null>(null);
  /** Rows that fit on screen; the list reports it, PageUp/PageDown use it. */
  pageRows = $state(20);
  /** Seeks still to run (n, p pressed faster than the host answers). */
  pending = $state(0);
  /** The selected row in full, once it has arrived (null while loading). */
  detail = $state.raw<RowDetailView | null>(null);
  detailError = $state<string | null>(null);
  /** The overview ruler's marks and bookmarks, for the current view. */
  marks = $state.raw<OverviewMark[]>([]);
  markedBookmarks = $state.raw<{ id: string; row: number }[]>([]);
  /** The hunks loaded so far (pages of HUNK_PAGE), for the hunk list. */
  hunks = $state.raw<HunkView[]>([]);
  hunkTotal = $state(0);

  private placeTimer: ReturnType<typeof setTimeout> | null = null;
  private messageTimer: ReturnType<typeof setTimeout> | null = null;
  private detailTimer: ReturnType<typeof setTimeout> | null = null;
  private detailSeq = 0;
  private seq = 0;
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    readonly session: SessionView,
    readonly pair: PairView,
    start: { view: ViewMode; row: number } | null = null,
  ) {
    this.view = start?.view ?? 'aligned';
    this.useView(this.view);
    this.selected = this.clamp(start?.row ?? this.defaultRow());
    this.reveal = { position: this.selected, mode: 'centre', seq: this.seq++ };
    this.hunkTotal = pair.alignment.hunks;
  }

  get busy(): boolean {
    return this.pending > 0;
  }

  /** Where a pair opens: its first hunk, else the reference's first divergence, else the top. */
  private defaultRow(): number {
    return this.view === 'aligned' ? (this.pair.alignment.firstHunkRow ?? this.pair.divergence?.alignedRow ?? 0) : (this.pair.divergence?.position ?? 0);
  }

  /** The row of the reference's first divergence in this view (null when the pair does not diverge). */
  get divergenceRow(): number | null {
    const d = this.pair.divergence;
    return d === null ? null : this.view === 'aligned' ? d.alignedRow : d.position;
  }

  private useView(view: ViewMode): void {
    this.rows?.dispose();
    this.view = view;
    this.total = view === 'aligned' ? this.pair.alignment.rows : Math.max(this.pair.canaryTotal, this.pair.oursTotal);
    this.rows = new RowWindows(this.session.id, this.pair.key, view, this.total);
    this.detail = null;
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
    this.scheduleDetail();
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

  /** Switch between the aligned and the positional view, staying on the same events. */
  async setView(view: ViewMode): Promise<void> {
    if (view === this.view) return;
    const here = this.rows.peek(this.selected);
    const side: Side | null = here?.canary ? 'canary' : here?.ours ? 'ours' : null;
    const position = side === 'canary' ? here!.canary!.position : side === 'ours' ? here!.ours!.position : this.selected;
    this.useView(view);
    const moves = this.seq;
    const r = await backend.request('diff/locate', { sessionId: this.session.id, pairKey: this.pair.key, view, side: side ?? 'canary', position });
    this.marks = [];
    // A key pressed while the answer was on its way (End, n) has already chosen the row in the new view.
    if (this.seq === moves) this.select(r.ok ? r.value.row : position, 'centre');
  }

  /** n / p: the next (previous) hunk in the aligned view, differing row in the positional one. Queued, never dropped. */
  seekDifference(direction: 1 | -1): Promise<void> {
    this.pending++;
    this.queue = this.queue.then(() => this.seekOnce(direction)).finally(() => this.pending--);
    return this.queue;
  }

  private async seekOnce(direction: 1 | -1): Promise<void> {
    if (this.disposed) return;
    const r = await backend.request('diff/seek', { sessionId: this.session.id, pairKey: this.pair.key, view: this.view, from: this.selected, direction });
    if (!r.ok) return this.say(r.error.message);
    if (r.value.row === null) {
      const what = this.view === 'aligned' ? 'hunk' : 'differing row';
      return this.say(direction === 1 ? `No ${what} after this one` : `No ${what} before this one`);
    }
    this.select(r.value.row, 'centre');
  }

  /** Go to hunk k (the hunk list, the ruler). */
  goToHunk(k: number): void {
    const h = this.hunks.find((x) => x.index === k);
    if (h) this.select(h.row, 'centre');
  }

  /** The hunk list: load the page holding hunk k (and the first page at least). */
  async loadHunks(upTo = 0): Promise<void> {
    const want = Math.min(this.hunkTotal, Math.max(HUNK_PAGE, upTo + 1));
    if (this.hunks.length >= want) return;
    const r = await backend.request('diff/hunks', {
      sessionId: this.session.id,
      pairKey: this.pair.key,
      from: this.hunks.length,
      count: Math.min(500, want - this.hunks.length),
    });
    if (!r.ok) return this.say(r.error.message);
    this.hunks = [...this.hunks, ...r.value.hunks];
    this.hunkTotal = r.value.total;
  }

  /** The hunks again from the first page (their marks changed: a signature was marked as known). */
  reloadHunks(): void {
    this.hunks = [];
    void this.loadHunks();
  }

  /** The overview ruler: every hunk and bookmark of the pair, merged to about `buckets` marks. */
  async loadOverview(buckets: number): Promise<void> {
    const r = await backend.request('diff/overview', {
      sessionId: this.session.id,
      pairKey: this.pair.key,
      view: this.view,
      buckets: Math.max(1, Math.min(4000, Math.round(buckets))),
    });
    if (!r.ok || this.disposed) return;
    this.marks = r.value.marks;
    this.markedBookmarks = r.value.bookmarks;
  }

  /** g: the first event of a side with tid_event_idx >= value. */
  async jumpToIndex(side: Side, tidEventIdx: number): Promise<boolean> {
    const r = await backend.request('diff/jump', { sessionId: this.session.id, pairKey: this.pair.key, view: this.view, side, tidEventIdx });
    if (!r.ok) {
      this.say(r.error.message);
      return false;
    }
    this.select(r.value.row, 'centre');
    if (!r.value.exact) {
      // Past the thread's end the host answers with its last event: say so rather than "the next one".
      const last = (side === 'canary' ? this.pair.canaryTotal : this.pair.oursTotal) - 1;
      this.say(`no event with tid_event_idx ${tidEventIdx}; showing ${r.value.position >= last ? `the ${side} thread's last one` : 'the next one'}`);
    }
    return true;
  }

  /** Select the row showing a side's event (a bookmark, a place). */
  async selectEvent(side: Side, position: number): Promise<void> {
    const r = await backend.request('diff/locate', { sessionId: this.session.id, pairKey: this.pair.key, view: this.view, side, position });
    if (r.ok) this.select(r.value.row, 'centre');
  }

  /** The selected row in full (the detail pane), fetched once the selection rests. `full`: values and JSON whole. */
  scheduleDetail(full = false): void {
    if (this.detailTimer) clearTimeout(this.detailTimer);
    const seq = ++this.detailSeq;
    const row = this.selected;
    this.detailTimer = setTimeout(() => void this.loadDetail(row, seq, full), full ? 0 : DETAIL_DEBOUNCE_MS);
  }

  private async loadDetail(row: number, seq: number, full: boolean): Promise<void> {
    const r = await backend.request('diff/detail', { sessionId: this.session.id, pairKey: this.pair.key, view: this.view, row, full });
    if (seq !== this.detailSeq || this.disposed) return; // the selection moved on
    if (r.ok) {
      this.detail = r.value;
      this.detailError = null;
    } else this.detailError = r.error.message;
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
    void backend.request('session/place', { sessionId: this.session.id, pairKey: this.pair.key, view: this.view, row: this.selected });
  }

  dispose(): void {
    if (this.placeTimer) this.savePlace();
    if (this.messageTimer) clearTimeout(this.messageTimer);
    if (this.detailTimer) clearTimeout(this.detailTimer);
    this.disposed = true;
    this.rows.dispose();
  }
}
