// The find box of the context viewer (/): the query as typed (checked as it
// is typed: a bad regex is said at once), its count and ruler marks in the
// pair's view, Enter / Shift+Enter to the next / previous match (queued: no
// press is lost, even while the search index is still being built), the
// filter that shows only the matching rows with context, and the rows the list
// marks. One object for the page: the query stays when the pair changes.
import type { FindView, MatchSides, SearchProgressEvent, Side } from '../../shared/api';
import { parseQuery } from '../../shared/searchQuery';
import { backend } from './backend';
import { FilteredRows } from './filteredRows.svelte';
import type { PairViewer } from './pairViewer.svelte';

/** Rows of context the filter shows either side of a match. */
export const FILTER_CONTEXT = 3;
const TYPING_DEBOUNCE_MS = 150;
const MESSAGE_MS = 4000;

function newJobId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (x) => x.toString(16).padStart(2, '0')).join('');
}

class FindState {
  open = $state(false);
  text = $state('');
  /** Show only the matching rows (with context). */
  filter = $state(false);
  /** The query as typed, checked here: its error shows without asking the host. */
  readonly parsed = $derived(parseQuery(this.text));
  /** What the host says of the query in the current pair's view. */
  result = $state.raw<FindView | null>(null);
  /** The match the selection is on (1-based), after Enter. */
  current = $state<number | null>(null);
  /** Building the search index (first search of these logs), or a query on its way. */
  busy = $state<'preparing' | 'searching' | null>(null);
  progress = $state.raw<Record<Side, SearchProgressEvent | null>>({ canary: null, ours: null });
  /** What the host refused (an error), in its words. */
  error = $state<string | null>(null);
  /** A passing word ("wrapped to the first match"). */
  message = $state<string | null>(null);
  /** Enter presses still to run. */
  pending = $state(0);
  /** Matching rows near what the list shows (row: side). */
  hits = $state.raw<Readonly<Record<number, MatchSides>>>({});
  filtered = $state.raw<FilteredRows | null>(null);

  private viewer: PairViewer | null = null;
  /** What `result` answers: the viewer, its view and the query. */
  private resultFor: { viewer: PairViewer; view: string; query: string } | null = null;
  private readonly prepared = new Set<string>();
  private prepareJob: string | null = null;
  private runTimer: ReturnType<typeof setTimeout> | null = null;
  private messageTimer: ReturnType<typeof setTimeout> | null = null;
  private hitsTimer: ReturnType<typeof setTimeout> | null = null;
  private queue: Promise<void> = Promise.resolve();
  /** Where the find started: the matches are looked for from there as the query is typed. */
  private origin = 0;

  /** The query's text as the host is sent it (only when it parses). */
  private get query(): string | null {
    const p = this.parsed;
    return p.ok && p.terms.length > 0 ? this.text : null;
  }

  get problem(): string | null {
    const p = this.parsed;
    return p.ok ? this.error : p.message;
  }

  /** The context viewer of a pair is on screen (a new pair, or the same after a remap). */
  attach(viewer: PairViewer): void {
    if (this.viewer === viewer) return;
    this.viewer = viewer;
    this.origin = viewer.selected;
    this.reset();
    if (this.open && this.query !== null) void this.enqueue(() => this.run(false));
  }

  detach(viewer: PairViewer): void {
    if (this.viewer !== viewer) return;
    this.viewer = null;
    this.reset();
  }

  /** The viewer switched views: the rows are others. */
  viewChanged(): void {
    this.reset();
    if (this.open && this.query !== null) void this.enqueue(() => this.run(false));
  }

  /** /: open the box (its text kept from last time, the matches looked for from the selected row). */
  show(): void {
    this.open = true;
    this.error = null;
    if (this.viewer) this.origin = this.viewer.selected;
    if (this.query !== null && !this.isCurrent()) void this.enqueue(() => this.run(false));
  }

  /** Esc: close the box and the filter; the selection stays on the match. */
  close(): void {
    this.open = false;
    this.filter = false;
    this.cancelPrepare();
    this.reset();
  }

  setText(text: string): void {
    if (text === this.text) return;
    this.text = text;
    this.current = null;
    this.error = null;
    if (this.runTimer) clearTimeout(this.runTimer);
    if (this.query === null) {
      this.reset();
      return;
    }
    this.runTimer = setTimeout(() => {
      this.runTimer = null;
      void this.enqueue(() => this.run(true));
    }, TYPING_DEBOUNCE_MS);
  }

  /** Enter (1) / Shift+Enter (-1): the next / previous match. Queued: each press moves one match. */
  next(direction: 1 | -1): Promise<void> {
    if (this.runTimer) {
      // The query typed last has not run yet: it runs (and lands on its first match, as it
      // would have had the press come later), then this press moves on from there.
      clearTimeout(this.runTimer);
      this.runTimer = null;
      void this.enqueue(() => this.run(true));
    }
    this.pending++;
    return this.enqueue(async () => {
      try {
        if (!(await this.ensureResult())) return;
        await this.step(direction);
      } finally {
        this.pending--;
      }
    });
  }

  /** The filter on or off (the list shows only the matches and their context). */
  toggleFilter(): Promise<void> {
    this.filter = !this.filter;
    return this.enqueue(() => this.syncFilter());
  }

  /** ↑ ↓ PgUp PgDn Home End while the filter is on: through the shown rows only. */
  moveInFilter(to: 'next' | 'previous' | 'page-down' | 'page-up' | 'first' | 'last'): Promise<void> {
    return this.enqueue(async () => {
      const f = this.filtered;
      const v = this.viewer;
      if (!f || !v || f.total === 0) return;
      const here = f.entryOf(v.selected) ?? (await f.locate(v.selected)) ?? 0;
      const page = Math.max(1, v.pageRows - 1);
      let e = { next: here + 1, previous: here - 1, 'page-down': here + page, 'page-up': here - page, first: 0, last: f.total - 1 }[to];
      e = Math.max(0, Math.min(f.total - 1, e));
      const step = to === 'previous' || to === 'page-up' || to === 'last' ? -1 : 1;
      let x = await f.at(e);
      // A gap stands between two runs of rows: step over it (to the other side when at an end).
      if (x?.type === 'gap') x = (await f.at((e += step))) ?? (await f.at((e -= 2 * step)));
      if (x?.type !== 'row' || this.filtered !== f) return;
      v.select(x.row.row);
      f.show(e, 'nearest');
    });
  }

  /** The rows the list shows: mark the matching ones. Debounced (a scroll asks many times). */
  loadHits(first: number, last: number): void {
    if (this.hitsTimer) clearTimeout(this.hitsTimer);
    this.hitsTimer = setTimeout(() => void this.fetchHits(first, last), 30);
  }

  cancelPrepare(): void {
    if (this.prepareJob) void backend.request('search/cancel', { jobId: this.prepareJob });
  }

  private isCurrent(): boolean {
    const r = this.resultFor;
    return r !== null && r.viewer === this.viewer && r.view === this.viewer.view && r.query === this.text;
  }

  private reset(): void {
    this.result = null;
    this.resultFor = null;
    this.current = null;
    this.hits = {};
    this.filtered?.dispose();
    this.filtered = null;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work, work);
    return this.queue;
  }

  private say(message: string): void {
    this.message = message;
    if (this.messageTimer) clearTimeout(this.messageTimer);
    this.messageTimer = setTimeout(() => (this.message = null), MESSAGE_MS);
  }

  private async ensureResult(): Promise<boolean> {
    if (!this.isCurrent()) await this.run(false);
    return this.isCurrent() && this.result !== null;
  }

  /** Build the session's search index if it has none (once per session): progress shows in the box, Esc cancels. */
  async prepare(sessionId: string): Promise<boolean> {
    if (this.prepared.has(sessionId)) return true;
    const jobId = newJobId();
    this.prepareJob = jobId;
    this.busy = 'preparing';
    this.progress = { canary: null, ours: null };
    const off = backend.on('search/progress', (p) => {
      if (p.jobId === jobId) this.progress = { ...this.progress, [p.side]: p };
    });
    try {
      const r = await backend.request('search/prepare', { sessionId, jobId });
      if (!r.ok) {
        this.error = r.error.code === 'cancelled' ? 'Search cancelled: the search index of these logs was not built' : r.error.message;
        return false;
      }
      this.prepared.add(sessionId);
      return true;
    } finally {
      off();
      this.prepareJob = null;
      this.busy = null;
    }
  }

  /** Ask the host for the query's count and marks in the current view; `incremental`: go to the first match from where the find began. */
  private async run(incremental: boolean): Promise<void> {
    const v = this.viewer;
    const query = this.query;
    if (!v || query === null) return;
    if (!(await this.prepare(v.session.id))) return;
    if (this.viewer !== v) return;
    this.busy = 'searching';
    const ask = (): ReturnType<typeof backend.request<'search/find'>> =>
      backend.request('search/find', { sessionId: v.session.id, pairKey: v.pair.key, view: v.view, query, buckets: 2000 });
    let r = await ask();
    // The logs were indexed again since (a changed log): their search index is built again.
    if (!r.ok && r.error.code === 'not-found' && /no search index/.test(r.error.message)) {
      this.prepared.delete(v.session.id);
      if (await this.prepare(v.session.id)) r = await ask();
    }
    this.busy = null;
    if (this.viewer !== v || this.text !== query) return; // typed on, or left the pair: a newer run answers
    if (!r.ok) {
      this.error = r.error.message;
      this.result = null;
      this.resultFor = null;
      return;
    }
    this.error = null;
    this.result = r.value;
    this.resultFor = { viewer: v, view: v.view, query };
    this.hits = {};
    if (this.filter) await this.syncFilter();
    if (r.value.rows === 0) return;
    const before = v.selected;
    if (incremental && this.open) {
      const s = await backend.request('search/step', this.stepArg(v, query, this.origin, 0));
      // A key that moved the selection meanwhile wins over the search's own move.
      if (s.ok && s.value.row !== null && this.isCurrent() && v.selected === before) this.land(v, s.value.row, s.value.index, s.value.entry);
    } else {
      // Opened again, or another pair opened at a hit: the count says which match the selection is on.
      const s = await backend.request('search/step', this.stepArg(v, query, before, 0));
      if (s.ok && s.value.row === before && this.isCurrent() && v.selected === before) this.current = s.value.index === null ? null : s.value.index + 1;
    }
  }

  private stepArg(v: PairViewer, query: string, from: number, direction: 1 | -1 | 0) {
    return {
      sessionId: v.session.id,
      pairKey: v.pair.key,
      view: v.view,
      query,
      from,
      direction,
      ...(this.filter ? { context: FILTER_CONTEXT } : {}),
    };
  }

  private land(v: PairViewer, row: number, index: number | null, entry: number | null): void {
    v.select(row, 'centre');
    this.current = index === null ? null : index + 1;
    if (entry !== null) this.filtered?.show(entry, 'centre');
  }

  private async step(direction: 1 | -1): Promise<void> {
    const v = this.viewer;
    const query = this.query;
    if (!v || query === null || !this.result) return;
    if (this.result.rows === 0) return this.say('No match in this pair');
    let r = await backend.request('search/step', this.stepArg(v, query, v.selected, direction));
    if (r.ok && r.value.row === null) {
      // Past the last match: round to the first (past the first: to the last), and say so.
      r = await backend.request('search/step', this.stepArg(v, query, direction === 1 ? -1 : v.total, direction));
      if (r.ok && r.value.row !== null) this.say(direction === 1 ? 'Past the last match: back to the first' : 'Before the first match: on to the last');
    }
    if (!r.ok) return this.say(r.error.message);
    if (r.value.row === null || this.viewer !== v) return;
    this.land(v, r.value.row, r.value.index, r.value.entry);
  }

  /** The filtered list for the current result (or none), and the selection on a row it shows. */
  private async syncFilter(): Promise<void> {
    const v = this.viewer;
    const query = this.query;
    if (!this.filter || !v || query === null) {
      this.filtered?.dispose();
      this.filtered = null;
      return;
    }
    if (!(await this.ensureResult())) return;
    const f = this.filtered;
    if (f && f.query === query && f.view === v.view) return;
    f?.dispose();
    const fresh = new FilteredRows(v.session.id, v.pair.key, v.view, query, FILTER_CONTEXT);
    this.filtered = fresh;
    const at = await fresh.locate(v.selected);
    if (at === null || this.filtered !== fresh) return;
    const shown = await fresh.at(at);
    if (shown?.type === 'row') return fresh.show(at, 'centre');
    // The selected row is left out: to the nearest match after it (or before it).
    let s = await backend.request('search/step', this.stepArg(v, query, v.selected, 0));
    if (s.ok && s.value.row === null) s = await backend.request('search/step', this.stepArg(v, query, v.selected, -1));
    if (s.ok && s.value.row !== null && this.filtered === fresh) this.land(v, s.value.row, s.value.index, s.value.entry);
  }

  private async fetchHits(first: number, last: number): Promise<void> {
    const v = this.viewer;
    const query = this.query;
    if (!v || query === null || !this.isCurrent() || !this.result?.rows) return;
    const r = await backend.request('search/hits', {
      sessionId: v.session.id,
      pairKey: v.pair.key,
      view: v.view,
      query,
      from: Math.max(0, first),
      count: Math.max(1, Math.min(2000, last - first)),
    });
    if (!r.ok || !this.isCurrent()) return;
    this.hits = Object.fromEntries(r.value.hits.map((h) => [h.row, h.match]));
  }
}

export const find = new FindState();
