// The filtered list of one query in one pair's view: the matching rows with
// a few rows of context around each, a gap entry between runs. Entries are
// fetched a window at a time ('search/filtered'), like the rows of the
// viewer (rowWindows.svelte.ts), and the list keeps which entry shows which
// row, so that the keys move through what is shown.
import type { FilterEntryView, ViewMode } from '../../shared/api';
import { backend } from './backend';

const BLOCK = 128;
const MAX_BLOCKS = 48;
const MAX_IN_FLIGHT = 2;

export interface FilterReveal {
  entry: number;
  mode: 'nearest' | 'centre';
  seq: number;
}

export class FilteredRows {
  version = $state(0);
  error = $state<string | null>(null);
  /** Entries in the list (0 until the first window arrives). */
  total = $state(0);
  ready = $state(false);
  reveal = $state.raw<FilterReveal | null>(null);

  // Plain collections on purpose: templates depend on `version`, bumped once per arriving block.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
  private readonly blocks = new Map<number, FilterEntryView[]>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
  private readonly entryOfRow = new Map<number, number>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
  private readonly inFlight = new Map<number, Promise<void>>();
  private wanted: number[] = [];
  private disposed = false;
  private seq = 0;

  constructor(
    private readonly sessionId: string,
    private readonly pairKey: string,
    readonly view: ViewMode,
    readonly query: string,
    readonly context: number,
  ) {}

  private arg(from: number, count: number, around?: number) {
    return {
      sessionId: this.sessionId,
      pairKey: this.pairKey,
      view: this.view,
      query: this.query,
      context: this.context,
      from,
      count,
      ...(around !== undefined ? { around } : {}),
    };
  }

  /** Load the window around the entry that shows `row` (or the gap it is in); resolves to that entry. */
  async locate(row: number): Promise<number | null> {
    const r = await backend.request('search/filtered', this.arg(0, BLOCK, row));
    if (this.disposed) return null;
    if (!r.ok) {
      this.error = r.error.message;
      return null;
    }
    this.total = r.value.total;
    this.ready = true;
    this.store(r.value.from, r.value.entries);
    return r.value.at;
  }

  /** The entry at index e, or undefined while it loads. Reactive. */
  entry(e: number): FilterEntryView | undefined {
    void this.version;
    return this.blocks.get(Math.floor(e / BLOCK))?.[e % BLOCK];
  }

  /** The entry showing a row, if it is loaded. */
  entryOf(row: number): number | undefined {
    return this.entryOfRow.get(row);
  }

  show(entry: number, mode: 'nearest' | 'centre'): void {
    this.reveal = { entry, mode, seq: this.seq++ };
  }

  ensure(first: number, last: number): void {
    if (this.total === 0) return;
    const lo = Math.max(0, Math.floor(first / BLOCK) - 1);
    const hi = Math.min(Math.floor((this.total - 1) / BLOCK), Math.floor(Math.max(first, last - 1) / BLOCK) + 1);
    const centre = Math.floor((first + last) / 2 / BLOCK);
    const needed: number[] = [];
    for (let b = lo; b <= hi; b++) needed.push(b);
    needed.sort((a, b) => Math.abs(a - centre) - Math.abs(b - centre));
    this.wanted = needed.filter((b) => !this.blocks.has(b));
    if (this.blocks.size > MAX_BLOCKS) {
      const far = [...this.blocks.keys()].sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre)).slice(0, this.blocks.size - MAX_BLOCKS);
      for (const b of far) this.drop(b);
    }
    this.pump();
  }

  /** Load what holds entry e, and give it (null past the list). */
  async at(e: number): Promise<FilterEntryView | null> {
    if (e < 0 || e >= this.total) return null;
    const have = this.entry(e);
    if (have) return have;
    await this.load(Math.floor(e / BLOCK));
    return this.entry(e) ?? null;
  }

  dispose(): void {
    this.disposed = true;
    this.wanted = [];
  }

  private drop(block: number): void {
    for (const x of this.blocks.get(block) ?? []) if (x.type === 'row') this.entryOfRow.delete(x.row.row);
    this.blocks.delete(block);
  }

  /** Entries [from, from + n) arrived: file them by block (a window may straddle two). */
  private store(from: number, entries: FilterEntryView[]): void {
    entries.forEach((x, k) => {
      const e = from + k;
      const b = Math.floor(e / BLOCK);
      let list = this.blocks.get(b);
      if (!list) this.blocks.set(b, (list = []));
      list[e % BLOCK] = x;
      if (x.type === 'row') this.entryOfRow.set(x.row.row, e);
    });
    // A block filled only in part (by a centred window) is asked for again whole.
    const touched: number[] = [];
    for (let k = 0; k < entries.length; k++) {
      const b = Math.floor((from + k) / BLOCK);
      if (touched.at(-1) !== b) touched.push(b);
    }
    for (const b of touched) {
      const list = this.blocks.get(b)!;
      const size = Math.min(BLOCK, this.total - b * BLOCK);
      let whole = list.length >= size;
      for (let i = 0; whole && i < size; i++) if (!list[i]) whole = false;
      if (!whole) this.blocks.delete(b);
    }
    this.version++;
  }

  private pump(): void {
    while (!this.disposed && this.inFlight.size < MAX_IN_FLIGHT) {
      const next = this.wanted.find((b) => !this.inFlight.has(b) && !this.blocks.has(b));
      if (next === undefined) return;
      void this.load(next);
    }
  }

  private load(block: number): Promise<void> {
    if (this.blocks.has(block)) return Promise.resolve();
    let p = this.inFlight.get(block);
    if (!p) this.inFlight.set(block, (p = this.fetch(block)));
    return p;
  }

  private async fetch(block: number): Promise<void> {
    const from = block * BLOCK;
    const r = await backend.request('search/filtered', this.arg(from, BLOCK));
    this.inFlight.delete(block);
    if (this.disposed) return;
    if (r.ok) {
      this.total = r.value.total;
      this.ready = true;
      this.store(from, r.value.entries);
      this.error = null;
    } else {
      this.error = r.error.message;
      this.wanted = this.wanted.filter((b) => b !== block);
    }
    this.pump();
  }
}
