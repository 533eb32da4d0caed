// The workbench's screens and session, on a real host: first start opens the
// demo, a bad path lands on the open view with the host's one-line error, a
// setting recomputes the summary, ] and [ walk the diverging pairs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbenchState } from '../../src/renderer/lib/workbench.svelte';
import { rendererFixture, until, type RendererFixture } from './fixture';

let fx: RendererFixture;

beforeAll(() => {
  fx = rendererFixture('workbench-state', { eventsPerThread: 1500, threads: 4, divergences: 3, demo: true });
});
afterAll(() => fx.dispose());

describe('WorkbenchState', () => {
  it('on first start opens the demo pair and shows its summary', async () => {
    const wb = new WorkbenchState();
    await wb.start();
    expect(wb.screen).toBe('summary');
    expect(wb.session?.canary.path).toBe(fx.canary);
    expect(wb.session?.pairs.length).toBeGreaterThan(0);
    expect(wb.job).toBeNull();
  });

  it('a log that does not exist leaves the open view up with the host’s error naming the file', async () => {
    const wb = new WorkbenchState();
    await wb.open('/no/such/canary.jsonl', fx.ours);
    expect(wb.screen).toBe('open');
    expect(wb.openError?.code).toBe('input');
    expect(wb.openError?.message).toContain('/no/such/canary.jsonl');
    expect(wb.paths.canary).toBe('/no/such/canary.jsonl'); // kept, to be fixed
  });

  it('empty paths are refused before anything is asked', async () => {
    const wb = new WorkbenchState();
    const before = fx.requests.length;
    await wb.open('  ', fx.ours);
    expect(wb.openError?.message).toMatch(/the canary path is empty/);
    expect(fx.requests.length).toBe(before);
  });

  it('switching canonicalization off recomputes the summary from the host', async () => {
    const wb = new WorkbenchState();
    await wb.open(fx.canary, fx.ours);
    await wb.setCanonicalize(false);
    expect(wb.session?.canonicalize).toBe(false);
    const fromHost = await fx.call('session/get', { sessionId: wb.session!.id });
    expect(wb.session?.pairs).toEqual(fromHost.pairs);
    expect(wb.notice?.text).toMatch(/compared raw/);
    await wb.setCanonicalize(true);
    expect(wb.session?.canonicalize).toBe(true);
  });

  it('] and [ walk the pairs that diverge, in the summary’s order, and the viewer opens at the first hunk', async () => {
    const wb = new WorkbenchState();
    await wb.open(fx.canary, fx.ours);
    const diverging = wb.sortedPairs.filter((p) => p.divergence !== null);
    expect(diverging.length).toBeGreaterThan(1);
    wb.openPair(diverging[0]!.key);
    expect(wb.screen).toBe('context');
    expect(wb.viewer?.selected).toBe(diverging[0]!.alignment.firstHunkRow);
    wb.goToAdjacentPair(1);
    expect(wb.viewer?.pair.key).toBe(diverging[1]!.key);
    wb.goToAdjacentPair(-1);
    expect(wb.viewer?.pair.key).toBe(diverging[0]!.key);
    wb.goToAdjacentPair(-1);
    expect(wb.viewer?.pair.key).toBe(diverging[0]!.key);
    await until(() => wb.viewer?.message !== null, 'the message');
    expect(wb.viewer?.message).toMatch(/No earlier pair with a divergence/);
    wb.showSummary();
    expect(wb.screen).toBe('summary');
    expect(wb.lastPairKey).toBe(diverging[0]!.key);
  });
});
