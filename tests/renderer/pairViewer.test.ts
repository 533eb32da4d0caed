// The context viewer's state for one pair, on a real host: where it starts,
// n/p to the differing rows the host reports, g to a tid_event_idx, and the
// place saved with the session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PairView, SessionView } from '../../src/shared/api';
import { PairViewer } from '../../src/renderer/lib/pairViewer.svelte';
import { rendererFixture, until, type RendererFixture } from './fixture';

let fx: RendererFixture;
let session: SessionView;
let diverging: PairView;

beforeAll(async () => {
  fx = rendererFixture('pair-viewer', { eventsPerThread: 3000, threads: 3, divergences: 2 });
  session = await fx.openSession();
  const d = session.pairs.find((p) => p.divergence !== null);
  if (!d) throw new Error('the generated pair has no divergence');
  diverging = d;
});
afterAll(() => fx.dispose());

describe('PairViewer', () => {
  it('starts where it is asked and clamps to the pair', () => {
    const v = new PairViewer(session, diverging, { view: 'positional', row: 10 ** 9 });
    expect(v.selected).toBe(v.total - 1);
    v.home();
    expect(v.selected).toBe(0);
    v.move(-5);
    expect(v.selected).toBe(0);
    v.dispose();
  });

  it('in the positional view, n goes to the first row the host says differs, and further n to later ones', async () => {
    const v = new PairViewer(session, diverging, { view: 'positional', row: 0 });
    await v.seekDifference(1);
    expect(v.selected).toBe(diverging.divergence!.position);
    const first = v.selected;
    await v.seekDifference(1);
    const second = v.selected;
    if (second !== first) {
      expect(second).toBeGreaterThan(first);
      const rows = await fx.call('diff/rows', { sessionId: session.id, pairKey: diverging.key, view: 'positional', from: second, count: 1 });
      expect(rows.rows[0]!.status).not.toBe('same');
      await v.seekDifference(-1);
      expect(v.selected).toBe(first);
    } else {
      expect(v.message).toMatch(/No differing row after this one/);
    }
    v.dispose();
  });

  it('p before the first difference says there is none', async () => {
    const v = new PairViewer(session, diverging, { view: 'positional', row: 0 });
    await v.seekDifference(-1);
    expect(v.selected).toBe(0);
    expect(v.message).toMatch(/No differing row before this one/);
    v.dispose();
  });

  it('g lands on the event with that tid_event_idx, and says so when there is none', async () => {
    const v = new PairViewer(session, diverging, { view: 'positional', row: 0 });
    const rows = await fx.call('diff/rows', { sessionId: session.id, pairKey: diverging.key, view: 'positional', from: 100, count: 1 });
    const idx = Number(rows.rows[0]!.canary!.tidEventIdx);
    expect(await v.jumpToIndex('canary', idx)).toBe(true);
    expect(v.selected).toBe(100);
    expect(await v.jumpToIndex('canary', 10 ** 12)).toBe(true);
    expect(v.selected).toBe(diverging.canaryTotal - 1);
    expect(v.message).toMatch(/no event with tid_event_idx 1000000000000; showing the canary thread's last one/);
    v.dispose();
  });

  it('saves where the user is with the session', async () => {
    const v = new PairViewer(session, diverging, { view: 'positional', row: 0 });
    v.select(123);
    v.dispose(); // leaving the pair saves at once
    await until(() => fx.requests.some((r) => r.name === 'session/place' && (r.arg as { row: number }).row === 123), 'the place request');
    await new Promise((r) => setTimeout(r, 20));
    const again = await fx.call('session/get', { sessionId: session.id });
    expect(again.place).toEqual({ pairKey: diverging.key, view: 'positional', row: 123 });
  });
});

describe('PairViewer, aligned', () => {
  it('opens at the first hunk, and n moves hunk by hunk without dropping a quick run of presses', async () => {
    const withHunks = session.pairs.filter((p) => p.alignment.hunks > 0).sort((a, b) => b.alignment.hunks - a.alignment.hunks)[0]!;
    const v = new PairViewer(session, withHunks);
    expect(v.view).toBe('aligned');
    expect(v.selected).toBe(withHunks.alignment.firstHunkRow);
    const hunks = await fx.call('diff/hunks', { sessionId: session.id, pairKey: withHunks.key, from: 0, count: 500 });
    v.home();
    // Five presses before any answer: each one moves one hunk on.
    const after = hunks.hunks.map((h) => h.row).filter((r) => r > 0);
    const presses = Math.min(5, after.length);
    for (let k = 0; k < presses; k++) void v.seekDifference(1);
    expect(v.pending).toBe(presses);
    await until(() => v.pending === 0, 'the queued seeks');
    expect(v.selected).toBe(after[presses - 1]);
    v.dispose();
  });

  it('switches to the positional view on the same events, and back', async () => {
    const p = session.pairs.find((x) => x.alignment.counts.insert > 0 || x.alignment.counts.delete > 0) ?? session.pairs[0]!;
    const v = new PairViewer(session, p, { view: 'aligned', row: Math.max(0, p.alignment.rows - 5) });
    v.rows.ensure(v.selected, v.selected + 1, v.selected);
    await until(() => v.rows.peek(v.selected) !== undefined, 'the selected row');
    const before = v.rows.peek(v.selected)!;
    await v.setView('positional');
    expect(v.view).toBe('positional');
    v.rows.ensure(v.selected, v.selected + 1, v.selected);
    await until(() => v.rows.peek(v.selected) !== undefined, 'the row in the other view');
    const side = before.canary ? 'canary' : 'ours';
    expect(v.rows.peek(v.selected)![side]!.position).toBe(before[side]!.position);
    v.dispose();
  });

  it('a key pressed while the view switches wins over the switch', async () => {
    const p = session.pairs[0]!;
    const v = new PairViewer(session, p, { view: 'aligned', row: 3 });
    const switching = v.setView('positional');
    v.end(); // End, before the host has said where the same events are
    await switching;
    expect(v.view).toBe('positional');
    expect(v.selected).toBe(v.total - 1);
    v.dispose();
  });
});
