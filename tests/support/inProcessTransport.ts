// The renderer's transport, in process: a real Workbench (real SQLite, real
// files, worker threads for ingest) behind the same Transport the page uses.
// Every argument, answer and event goes through JSON, as over IPC or HTTP, so
// nothing passes that a real transport could not carry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventName, Events, RequestArg, RequestName, RequestResult, Result, Transport } from '../../src/shared/api';
import { Workbench, type WorkbenchOptions } from '../../src/main/service/workbench';

const overTheWire = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function inProcessTransport(workbench: Workbench): Transport {
  return {
    async request<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<Result<RequestResult<K>>> {
      const r = await workbench.handle(name, overTheWire(arg));
      return overTheWire(r) as Result<RequestResult<K>>;
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      return workbench.onEvent((name, payload) => {
        if (name === event) listener(overTheWire(payload) as Events[E]);
      });
    },
  };
}

/** A Workbench on a fresh data directory; `dispose` closes it and removes the directory. */
export function temporaryWorkbench(opts: Partial<WorkbenchOptions> = {}): { workbench: Workbench; dataDir: string; dispose: () => void } {
  const dataDir = mkdtempSync(join(tmpdir(), 'lockstep-wb-'));
  const workbench = new Workbench({ dataDir, host: 'browser', version: 'test', demo: null, ...opts });
  return {
    workbench,
    dataDir,
    dispose: () => {
      workbench.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
