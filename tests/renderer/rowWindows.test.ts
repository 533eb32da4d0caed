// The context viewer's row cache, on a real host: it fetches the windows
// around what is on screen and nothing a fast scroll passed over, never more
// than two requests at once, forgets what is far away, and shows a failure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PairView, SessionView } from '../../src/shared/api';
import { RowWindows } from '../../src/renderer/lib/rowWindows.svelte';
import { rendererFixture, until, type RendererFixture } from './fixture';

let fx: RendererFixture;
let session: SessionView;
let pair: PairView;
let total: number;

beforeAll(async () => {
  fx = rendererFixture('row-windows', { eventsPerThread: 12000, threads: 2 });
  session = await fx.openSession();
  pair = session.pairs.reduce((a, b) => (Math.max(b.canaryTotal, b.oursTotal) > Math.max(a.canaryTotal, a.oursTotal) ? b : a));
  total = Math.max(pair.canaryTotal, pair.oursTotal);
});
afterAll(() => fx.dispose());

describe('RowWindows', () => {
  it('loads the rows on screen, each the row the host has at that position', async () => {
    const rows = new RowWindows(session.id, pair.key, 'positional', total);
    rows.ensure(0, 40, 0);
    await until(() => rows.row(39) !== undefined, 'rows 0..39');
    const fromHost = await fx.call('diff/rows', { sessionId: session.id, pairKey: pair.key, view: 'positional', from: 0, count: 40 });
    for (let i = 0; i < 40; i++) expect(rows.peek(i)).toEqual(fromHost.rows[i]);
    rows.dispose();
  });

  it('asks only for what is needed now, at most two requests at once', async () => {
    const rows = new RowWindows(session.id, pair.key, 'positional', total);
    const before = fx.requests.length;
    // A fast scroll: the list reports many windows before any answer arrives.
    for (let first = 0; first < total - 50; first += Math.floor(total / 40)) rows.ensure(first, first + 40, first);
    const last = total - 50;
    rows.ensure(last, last + 40, last);
    await until(() => rows.row(last + 39) !== undefined, 'the rows where the scroll stopped');
    await new Promise((r) => setTimeout(r, 50));
    const asked = fx.requests.slice(before).filter((r) => r.name === 'diff/rows').length;
    expect(asked).toBeLessThan(12); // the ~40 windows passed over were not fetched
    expect(fx.maxInFlight()).toBeLessThanOrEqual(2);
    rows.dispose();
  });

  it('forgets the windows farthest away once it holds enough', async () => {
    const rows = new RowWindows(session.id, pair.key, 'positional', total);
    rows.ensure(0, 40, 0);
    await until(() => rows.row(0) !== undefined, 'the first rows');
    // Visit more than the cache holds, one window at a time.
    for (let block = 2; block < 80 && block * 128 < total - 128; block += 1) {
      const first = block * 128;
      rows.ensure(first, first + 40, first);
      await until(() => rows.peek(first) !== undefined, `rows at ${first}`);
    }
    expect(rows.peek(0)).toBeUndefined();
    rows.dispose();
  });

  it('shows why rows cannot be loaded, and keeps placeholders', async () => {
    const rows = new RowWindows(session.id, 'n-no-such-pair', 'positional', 1000);
    rows.ensure(0, 40, 0);
    await until(() => rows.error !== null, 'the failure');
    expect(rows.error).toMatch(/no pair/);
    expect(rows.row(0)).toBeUndefined();
    rows.dispose();
  });
});
