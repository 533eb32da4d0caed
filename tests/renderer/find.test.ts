// The find box's state on a real host, without a browser: typing lands on the
// first match from where the find began, Enter presses made before any answer
// (even before the search index exists) each move one match, a bad regex is
// said at once, the filter moves through the rows it shows, and a hit of the
// search across every pair opens its pair at its row.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PairView, SessionView } from '../../src/shared/api';
import { find } from '../../src/renderer/lib/find.svelte';
import { PairViewer } from '../../src/renderer/lib/pairViewer.svelte';
import { searchAcross } from '../../src/renderer/lib/searchAcross.svelte';
import { workbench } from '../../src/renderer/lib/workbench.svelte';
import { rendererFixture, until, type RendererFixture } from './fixture';

let fx: RendererFixture;
let session: SessionView;
let pair: PairView;
const QUERY = 'name:NtReadFile kind:kernel.return';

/** Every matching row of the pair's view, by asking the host step by step. */
async function allMatches(view: 'aligned' | 'positional', query = QUERY): Promise<number[]> {
  const rows: number[] = [];
  for (let from = -1; ;) {
    const s = await fx.call('search/step', { sessionId: session.id, pairKey: pair.key, view, query, from, direction: 1 });
    if (s.row === null) return rows;
    rows.push((from = s.row));
  }
}

beforeAll(async () => {
  fx = rendererFixture('find', { eventsPerThread: 2500, threads: 3, divergences: 2 });
  session = await fx.openSession();
  pair = session.pairs.find((p) => p.alignment.hunks > 0) ?? session.pairs[0]!;
});
afterEach(() => {
  find.close();
  find.setText('');
  searchAcross.close();
});
afterAll(() => fx.dispose());

describe('the find box', () => {
  it('keeps Enter presses made before the search index exists, and moves one match per press', async () => {
    const v = new PairViewer(session, pair, { view: 'aligned', row: 0 });
    find.attach(v);
    find.show();
    find.setText(QUERY);
    // Three presses at once, before the host has built anything.
    for (let k = 0; k < 3; k++) void find.next(1);
    expect(find.pending).toBe(3);
    await until(() => find.pending === 0, 'the queued presses');
    expect(fx.requests.filter((r) => r.name === 'search/prepare')).toHaveLength(1);
    const matches = await allMatches('aligned');
    expect(matches.length).toBeGreaterThan(4);
    // Typing landed on the first match from row 0; each press then moved one on.
    expect(v.selected).toBe(matches[3]);
    expect(find.current).toBe(4);
    expect(find.result).toMatchObject({ rows: matches.length, complete: true });
    await find.next(-1);
    expect(v.selected).toBe(matches[2]);
    find.detach(v);
    v.dispose();
  });

  it('goes round past the last match, and says so', async () => {
    const v = new PairViewer(session, pair, { view: 'positional', row: 0 });
    find.attach(v);
    find.show();
    find.setText(QUERY);
    await until(() => find.current !== null, 'the first match');
    const matches = await allMatches('positional');
    v.select(matches.at(-1)!);
    await find.next(1);
    expect(v.selected).toBe(matches[0]);
    expect(find.message).toBe('Past the last match: back to the first');
    find.detach(v);
    v.dispose();
  });

  it('says what is wrong with a regex as it is typed, without asking the host', () => {
    const asked = fx.requests.length;
    find.show();
    find.setText('kind:x /Nt(Read/');
    expect(find.problem).toBe('/Nt(Read/ is not a valid regular expression: Unterminated group');
    expect(fx.requests.length).toBe(asked);
  });

  it('filters to the matching rows with context, and moves through what it shows', async () => {
    const v = new PairViewer(session, pair, { view: 'aligned', row: 0 });
    find.attach(v);
    find.show();
    find.setText(QUERY);
    await find.next(1);
    const first = v.selected;
    await find.toggleFilter();
    await until(() => (find.filtered?.total ?? 0) > 0, 'the filtered list');
    const f = find.filtered!;
    // Down from the first match: through its context rows, over the gap, into the next run.
    const seen: number[] = [first];
    for (let k = 0; k < 12; k++) {
      await find.moveInFilter('next');
      seen.push(v.selected);
    }
    const matches = await allMatches('aligned');
    const shown = (r: number): boolean => matches.some((m) => Math.abs(m - r) <= 3);
    expect(seen.every(shown)).toBe(true);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen); // in order, never back
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.some((r) => r > first + 3)).toBe(true); // crossed into a later run
    await find.moveInFilter('first');
    expect(v.selected).toBe(Math.max(0, matches[0]! - 3));
    expect(f.total).toBeGreaterThan(0);
    find.detach(v);
    v.dispose();
  });

  it('searches every pair, and a hit opens its pair at its row', async () => {
    workbench.showSession(session);
    await searchAcross.search(session.id, 'aligned', 'name:NtReadFile');
    expect(searchAcross.error).toBeNull();
    expect(searchAcross.pairsWithHits).toBe(session.pairs.length);
    const target = searchAcross.pairs.at(-1)!;
    const hit = target.hits.at(-1)!;
    searchAcross.goTo(target.pairKey, hit.row.row);
    expect(workbench.viewer?.pair.key).toBe(target.pairKey);
    expect(workbench.viewer?.selected).toBe(hit.row.row);
    expect(hit.row.canary?.summary ?? hit.row.ours?.summary).toMatch(/NtReadFile/);
  });
});
