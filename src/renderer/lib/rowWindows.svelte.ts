// The rows of one pair's view, fetched a window at a time ('diff/rows') and cached:
// a thread can hold millions of rows, so the viewer only ever asks for the
// blocks around what is on screen, at most a few at once, and forgets the
// blocks farthest away once the cache is full.
import type { RowView, ViewMode } from '../../shared/api';
import { backend } from './backend';

/** Rows per request: a few screens' worth, well under the contract's 2000. */
const BLOCK_ROWS = 128;
/** Blocks kept in memory (about 6k rows). */
const MAX_BLOCKS = 48;
/** Requests in flight at once: a fast scroll must not queue hundreds. */
const MAX_IN_FLIGHT = 2;

export class RowWindows {
  /** Bumped when a block arrives: what the visible rows depend on. */
  version = $state(0);
  /** The last failure, shown in the viewer (the rows stay placeholders). */
  error = $state<string | null>(null);

  // Plain collections on purpose: templates depend on `version`, bumped once per arriving block.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
  private readonly blocks = new Map<number, RowView[]>();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never shown
  private readonly inFlight = new Set<number>();
  private wanted: number[] = [];
  private disposed = false;

  constructor(
    private readonly sessionId: string,
    private readonly pairKey: string,
    readonly view: ViewMode,
    readonly total: number,
  ) {}

  /** The row at a position, or undefined while its block is loading. Reactive. */
  row(position: number): RowView | undefined {
    void this.version;
    return this.blocks.get(Math.floor(position / BLOCK_ROWS))?.[position % BLOCK_ROWS];
  }

  /** A row without subscribing to arrivals (for commands, not for templates). */
  peek(position: number): RowView | undefined {
    return this.blocks.get(Math.floor(position / BLOCK_ROWS))?.[position % BLOCK_ROWS];
  }

  /**
   * Make sure the rows [first, last) and a block either side get loaded,
   * nearest first, and the selected row's block too (the detail pane shows
   * it even when the list has scrolled far away).
   */
  ensure(first: number, last: number, selected: number): void {
    if (this.total === 0) return;
    const lo = Math.max(0, Math.floor(first / BLOCK_ROWS) - 1);
    const hi = Math.min(Math.floor((this.total - 1) / BLOCK_ROWS), Math.floor(Math.max(first, last - 1) / BLOCK_ROWS) + 1);
    const centre = Math.floor((first + last) / 2 / BLOCK_ROWS);
    const needed: number[] = [];
    for (let b = lo; b <= hi; b++) needed.push(b);
    needed.sort((a, b) => Math.abs(a - centre) - Math.abs(b - centre));
    const selectedBlock = Math.floor(Math.max(0, Math.min(selected, this.total - 1)) / BLOCK_ROWS);
    if (!needed.includes(selectedBlock)) needed.unshift(selectedBlock);
    // Only what is needed now: blocks a fast scroll passed over are not fetched.
    this.wanted = needed.filter((b) => !this.blocks.has(b));
    this.evict(centre, selectedBlock);
    this.pump();
  }

  dispose(): void {
    this.disposed = true;
    this.wanted = [];
  }

  private evict(centre: number, keep: number): void {
    if (this.blocks.size <= MAX_BLOCKS) return;
    const byDistance = [...this.blocks.keys()].filter((b) => b !== keep).sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
    for (const b of byDistance.slice(0, this.blocks.size - MAX_BLOCKS)) this.blocks.delete(b);
  }

  private pump(): void {
    while (!this.disposed && this.inFlight.size < MAX_IN_FLIGHT) {
      const next = this.wanted.find((b) => !this.inFlight.has(b) && !this.blocks.has(b));
      if (next === undefined) return;
      void this.load(next);
    }
  }

  private async load(block: number): Promise<void> {
    this.inFlight.add(block);
    const from = block * BLOCK_ROWS;
    const r = await backend.request('diff/rows', {
      sessionId: this.sessionId,
      pairKey: this.pairKey,
      view: this.view,
      from,
      count: Math.min(BLOCK_ROWS, this.total - from),
    });
    this.inFlight.delete(block);
    if (this.disposed) return;
    if (r.ok) {
      this.blocks.set(block, r.value.rows);
      this.error = null;
      this.version++;
    } else {
      this.error = r.error.message;
      // Don't retry in a loop: the next scroll asks again.
      this.wanted = this.wanted.filter((b) => b !== block);
    }
    this.pump();
  }
}
