// Load on the browser host: N clients hammering the context and summary
// requests of one open session for a while. Every answer is checked against
// the answer the host gave to the same request before the load began (the
// answers are deterministic); latencies and the host's memory are recorded.
// Used by the CI test (short) and by scripts/load.ts (full length).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Rng } from '../../src/main/generator/prng';

const ROOT = resolve(__dirname, '../..');

export interface LoadOptions {
  canary: string;
  ours: string;
  dataDir: string;
  clients: number;
  seconds: number;
}

export interface LoadResult {
  requests: number;
  wrong: string[];
  failed: string[];
  p50: number;
  p99: number;
  max: number;
  rssStartMB: number;
  rssEndMB: number;
  rssMaxMB: number;
}

function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const host = spawn(process.execPath, [join(ROOT, 'bin/lockstep'), 'serve', '--port', '0', '--data-dir', o.dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((done, fail) => {
      let out = '';
      host.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /Lockstep workbench: (\S+)/.exec(out);
        if (m) done(m[1]!);
      });
      host.once('exit', (c) => fail(new Error(`serve exited ${c}`)));
    });
    const call = async (name: string, arg: unknown): Promise<string> => {
      const r = await fetch(`${url}api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ arg }) });
      return r.text();
    };
    const opened = JSON.parse(await call('session/open', { jobId: 'load', canaryPath: o.canary, oursPath: o.ours })) as {
      ok: boolean;
      value: { id: string; pairs: { key: string; canaryTotal: number; oursTotal: number; alignment: { rows: number } }[] };
    };
    if (!opened.ok) throw new Error(`open failed: ${JSON.stringify(opened)}`);
    const s = opened.value;

    // The requests the clients make, and the answer each must get.
    const rng = new Rng('load');
    const requests: { name: string; arg: unknown }[] = [{ name: 'session/get', arg: { sessionId: s.id } }];
    for (let i = 0; i < 200; i++) {
      const p = rng.pick(s.pairs);
      const view = rng.pick(['aligned', 'positional'] as const);
      const total = view === 'aligned' ? p.alignment.rows : Math.max(p.canaryTotal, p.oursTotal);
      requests.push({ name: 'diff/rows', arg: { sessionId: s.id, pairKey: p.key, view, from: rng.int(0, Math.max(0, total - 60)), count: 60 } });
      if (i % 10 === 0) {
        requests.push({ name: 'diff/seek', arg: { sessionId: s.id, pairKey: p.key, view, from: rng.int(-1, total - 1), direction: rng.pick([1, -1]) } });
        requests.push({ name: 'diff/detail', arg: { sessionId: s.id, pairKey: p.key, view, row: rng.int(0, total - 1) } });
      }
    }
    const expected = new Map<number, string>();
    for (let i = 0; i < requests.length; i++) {
      const answer = await call(requests[i]!.name, requests[i]!.arg);
      // Every answer must be a real one: an error answered alike under load would prove nothing.
      if (!(JSON.parse(answer) as { ok: boolean }).ok) throw new Error(`${requests[i]!.name} failed before the load: ${answer}`);
      expected.set(i, answer);
    }

    const rssStart = rssMB(host.pid!);
    let rssMax = rssStart;
    const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMB(host.pid!))), 250);
    const latencies: number[] = [];
    const wrong: string[] = [];
    const failed: string[] = [];
    const end = performance.now() + o.seconds * 1000;
    await Promise.all(
      Array.from({ length: o.clients }, async (_, c) => {
        const r = new Rng(`client-${c}`);
        while (performance.now() < end) {
          const i = r.int(0, requests.length - 1);
          const t = performance.now();
          try {
            const answer = await call(requests[i]!.name, requests[i]!.arg);
            latencies.push(performance.now() - t);
            if (answer !== expected.get(i)) wrong.push(`${requests[i]!.name} ${JSON.stringify(requests[i]!.arg)}`);
          } catch (e) {
            failed.push(`${requests[i]!.name}: ${(e as Error).message}`);
          }
        }
      }),
    );
    clearInterval(sampler);
    const sorted = latencies.sort((a, b) => a - b);
    const q = (f: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * f))] ?? NaN;
    return {
      requests: latencies.length,
      wrong: wrong.slice(0, 10),
      failed: failed.slice(0, 10),
      p50: q(0.5),
      p99: q(0.99),
      max: sorted.at(-1) ?? NaN,
      rssStartMB: rssStart,
      rssEndMB: rssMB(host.pid!),
      rssMaxMB: rssMax,
    };
  } finally {
    host.kill('SIGTERM');
    await new Promise((r) => host.once('exit', r));
  }
}
