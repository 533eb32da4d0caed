// `npm run load [-- --events N --clients C --seconds S]`: the full load test
// (default: two 1M-event logs, 20 clients, 30 s) against lockstep serve.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generatePair } from '../src/main/generator/generateLogs';
import { runLoad } from '../tests/load/loadRun';

async function main(): Promise<void> {
  const a = process.argv.slice(2);
  const opt = (name: string, d: number): number => (a.includes(name) ? Number(a[a.indexOf(name) + 1]) : d);
  const events = opt('--events', 1_000_000);
  const threads = 8;
  const dir = resolve(__dirname, '..', '.bench', `v1-${events}-${threads}`);
  if (!existsSync(join(dir, 'complete'))) {
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`generating ${events} events per log in ${dir}…\n`);
    generatePair(join(dir, 'canary.jsonl'), join(dir, 'ours.jsonl'), {
      seed: `bench-${events}`,
      eventsPerThread: Math.round(events / threads),
      threads,
      profile: 'realistic',
      divergences: 3,
    });
  }
  const data = join(dir, 'load-data');
  rmSync(data, { recursive: true, force: true });
  const r = await runLoad({
    canary: join(dir, 'canary.jsonl'),
    ours: join(dir, 'ours.jsonl'),
    dataDir: data,
    clients: opt('--clients', 20),
    seconds: opt('--seconds', 30),
  });
  process.stdout.write(JSON.stringify(r, null, 2) + '\n');
  process.exit(r.wrong.length || r.failed.length ? 1 : 0);
}

main().catch((e: unknown) => {
  process.stderr.write(`load: ${(e as Error).message}\n`);
  process.exit(1);
});
