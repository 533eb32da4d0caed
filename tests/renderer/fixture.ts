// What the renderer state tests share: a generated pair of logs and a real
// Workbench behind the in-process transport, connected as the page's backend.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import type { RequestArg, RequestName, RequestResult, SessionView, Transport } from '../../src/shared/api';
import { generatePair, type ThreadMappingTrap } from '../../src/main/generator/generateLogs';
import { connectBackend } from '../../src/renderer/lib/backend';
import { inProcessTransport, temporaryWorkbench } from '../support/inProcessTransport';

export interface RendererFixture {
  canary: string;
  ours: string;
  transport: Transport;
  /** Requests the renderer made, in order (name and argument). */
  requests: { name: RequestName; arg: unknown }[];
  /** The most requests that were in flight at once. */
  maxInFlight: () => number;
  call<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<RequestResult<K>>;
  openSession(): Promise<SessionView>;
  dispose(): void;
}

export function rendererFixture(
  seed: string,
  opts: { eventsPerThread?: number; threads?: number; divergences?: number; demo?: boolean; mappingTrap?: ThreadMappingTrap } = {},
): RendererFixture {
  const logs = mkdtempSync(join(tmpdir(), 'lockstep-renderer-'));
  const canary = join(logs, 'canary.jsonl');
  const ours = join(logs, 'ours.jsonl');
  generatePair(canary, ours, {
    seed,
    eventsPerThread: opts.eventsPerThread ?? 2000,
    threads: opts.threads ?? 3,
    profile: 'realistic',
    divergences: opts.divergences ?? 2,
    ...(opts.mappingTrap ? { mappingTrap: opts.mappingTrap } : {}),
  });
  const wb = temporaryWorkbench(opts.demo ? { demo: { canaryPath: canary, oursPath: ours } } : {});
  const inner = inProcessTransport(wb.workbench);
  const requests: { name: RequestName; arg: unknown }[] = [];
  let inFlight = 0;
  let most = 0;
  // Counts what the renderer asks, and how much at once: the real transport underneath.
  const transport: Transport = {
    async request(name, arg) {
      requests.push({ name, arg });
      inFlight++;
      most = Math.max(most, inFlight);
      try {
        return await inner.request(name, arg);
      } finally {
        inFlight--;
      }
    },
    on: (event, listener) => inner.on(event, listener),
  };
  connectBackend(transport);
  const call = async <K extends RequestName>(name: K, arg: RequestArg<K>): Promise<RequestResult<K>> => {
    const r = await inner.request(name, arg);
    if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
    return r.value;
  };
  return {
    canary,
    ours,
    transport,
    requests,
    maxInFlight: () => most,
    call,
    openSession: () => call('session/open', { jobId: `job-${seed}`, canaryPath: canary, oursPath: ours }),
    dispose: () => {
      wb.dispose();
      rmSync(logs, { recursive: true, force: true });
    },
  };
}

/** Wait until `check` holds (state that arrives from the host asynchronously). */
export async function until(check: () => boolean, what: string): Promise<void> {
  await vi.waitFor(
    () => {
      if (!check()) throw new Error(`still waiting: ${what}`);
    },
    { timeout: 20_000, interval: 10 },
  );
}
