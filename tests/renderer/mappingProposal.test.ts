// The mapping panel's proposal on a real host: asked for when the panel opens,
// applied in one step (the summary is the proposal's, each pair explained),
// and undone to the mapping before; a change by hand refreshes what the
// proposal would change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedTidMap } from '../../src/main/generator/generateLogs';
import { threadMapping } from '../../src/renderer/lib/threadMapping.svelte';
import { workbench } from '../../src/renderer/lib/workbench.svelte';
import { rendererFixture, type RendererFixture } from './fixture';

const trap = { sharedFirstCall: 6, firstCallDiffers: 1 };
let fx: RendererFixture;
const truth = generatedTidMap({ seed: 'mapping-proposal', eventsPerThread: 300, threads: 8, profile: 'realistic', mappingTrap: trap });

beforeAll(() => {
  fx = rendererFixture('mapping-proposal', { eventsPerThread: 300, threads: 8, divergences: 2, mappingTrap: trap });
});
afterAll(() => fx.dispose());

const pairsNow = (): string => workbench.session!.pairs.map((p) => `${p.canary.tid}=${p.ours.tid}`).join(',');

describe('the proposed mapping in the mapping panel', () => {
  it('is fetched for the session shown, changes nothing, and says what applying it would change', async () => {
    await workbench.open(fx.canary, fx.ours);
    const before = pairsNow();
    expect(before).not.toBe(truth);
    await threadMapping.fetchProposal();
    const p = threadMapping.proposalFor(workbench.session!.id)!;
    expect(p.pairs.map((x) => `${x.canary.tid}=${x.ours.tid}`).join(',')).toBe(truth);
    expect(p.changes).toBe(7);
    expect(p.applied).toBe(false);
    expect(pairsNow()).toBe(before);
    expect(fx.requests.filter((r) => r.name === 'map/propose')).toHaveLength(1);
  });

  it('is applied in one step: the summary is the proposal, each pair explained, and the words of the change shown', async () => {
    const sessionId = workbench.session!.id;
    await threadMapping.applyProposal();
    expect(pairsNow()).toBe(truth);
    expect(workbench.session!.pairs.every((p) => p.mappedBy === 'similarity' && p.explanation !== null && !p.explanation.unsure)).toBe(true);
    expect(workbench.session!.mapUndo).toBe('applied the similarity mapping');
    expect(threadMapping.linesFor(sessionId)[0]).toBe('applied the similarity mapping: 8 pairs, 7 changed, 0 unsure');
    // The proposal is asked again: it is now the mapping in effect.
    expect(threadMapping.proposalFor(sessionId)!.applied).toBe(true);
    expect(threadMapping.proposalFor(sessionId)!.changes).toBe(0);
  });

  it('is undone to the mapping before, and the proposal says again what it would change', async () => {
    const sessionId = workbench.session!.id;
    await threadMapping.undo();
    expect(pairsNow()).not.toBe(truth);
    expect(workbench.session!.manualMap).toBe(false);
    expect(workbench.session!.mapUndo).toBeNull();
    expect(threadMapping.linesFor(sessionId)).toEqual(['undone: applied the similarity mapping']);
    expect(threadMapping.proposalFor(sessionId)!.applied).toBe(false);
    expect(threadMapping.proposalFor(sessionId)!.changes).toBe(7);
    const n = fx.requests.length;
    await threadMapping.undo(); // nothing left to undo: nothing asked
    expect(fx.requests.length).toBe(n);
  });
});
