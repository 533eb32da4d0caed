// The search across every pair of the session ("where else does NtCreateFile
// return an error?"): the pairs with matches, a page at a time, each with its
// first hits; a hit opens its pair at its row, the find box keeping the query.
import type { AcrossPairView, ViewMode } from '../../shared/api';
import { backend } from './backend';
import { find } from './find.svelte';
import { workbench } from './workbench.svelte';

const PAGE = 50;
const HITS_PER_PAIR = 5;

class SearchAcross {
  open = $state(false);
  /** The query the list answers. */
  query = $state('');
  view = $state<ViewMode>('aligned');
  pairs = $state.raw<AcrossPairView[]>([]);
  pairsWithHits = $state(0);
  rows = $state(0);
  complete = $state(true);
  note = $state<string | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  private sessionId = '';
  private seq = 0;

  /** Search every pair for the find box's query (in the view the viewer shows). */
  async search(sessionId: string, view: ViewMode, query: string): Promise<void> {
    const seq = ++this.seq;
    Object.assign(this, { open: true, query, view, sessionId, pairs: [], pairsWithHits: 0, rows: 0, complete: true, note: null, error: null });
    this.loading = true;
    try {
      if (!(await find.prepare(sessionId)) || seq !== this.seq) return;
      await this.page(seq, 0);
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  get hasMore(): boolean {
    return this.pairs.length < this.pairsWithHits;
  }

  async more(): Promise<void> {
    if (this.loading || !this.hasMore) return;
    const seq = this.seq;
    this.loading = true;
    try {
      await this.page(seq, this.pairs.length);
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  /** Open a hit's pair at its row. */
  goTo(pairKey: string, row: number): void {
    workbench.openPair(pairKey, { view: this.view, row });
  }

  close(): void {
    this.seq++;
    this.open = false;
    this.loading = false;
  }

  private async page(seq: number, from: number): Promise<void> {
    const r = await backend.request('search/across', {
      sessionId: this.sessionId,
      view: this.view,
      query: this.query,
      from,
      count: PAGE,
      hitsPerPair: HITS_PER_PAIR,
    });
    if (seq !== this.seq) return;
    if (!r.ok) {
      this.error = r.error.message;
      return;
    }
    this.pairs = [...this.pairs, ...r.value.pairs];
    this.pairsWithHits = r.value.pairsWithHits;
    this.rows = r.value.rows;
    this.complete = r.value.complete;
    this.note = r.value.note;
  }
}

export const searchAcross = new SearchAcross();
