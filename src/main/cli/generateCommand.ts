// `lockstep generate`: write a deterministic pair of logs (demo, tests, benchmarks).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { generatePair, plannedBug, plannedEdits, type Profile } from '../generator/generateLogs';
import { parseArgs, UsageError, type CommandSpec } from './args';
import { writeStdout } from './output';

const GENERATE_SPEC: CommandSpec = {
  prog: 'lockstep generate',
  summary: 'Write OUT_DIR/canary.jsonl and OUT_DIR/ours.jsonl: the same run on two engines, with injected divergences.',
  options: [
    { name: '--out-dir', value: 'OUT_DIR', required: true, help: 'directory to write the two logs into' },
    { name: '--events', value: 'N', help: 'events per log, about (default 10000)' },
    { name: '--threads', value: 'T', help: 'guest threads (default 8)' },
    { name: '--divergences', value: 'K', help: 'threads with an injected divergence in ours (default 3)' },
    { name: '--edits', value: 'E', help: 'known edits in every thread of ours, of all kinds: inserted, deleted, changed events (default 0)' },
    {
      name: '--bugs',
      value: 'IDS',
      help: "engine bugs in ours, by number ('1,2,3'): each a recurring divergence (a call's return status wrong in some threads) that is the same in every run of the seed; another run with other numbers has some fixed and some new (default none)",
    },
    { name: '--seed', value: 'S', help: 'seed; the same seed gives the same logs (default 1)' },
    { name: '--profile', value: 'P', help: "'realistic' (default) or 'hostile' (odd values, CRLF, gaps, ...)" },
    {
      name: '--shared-first-call',
      value: 'N',
      help: 'the first N threads start with the same call and ours creates them in another order (the automatic mapping by first call pairs them wrong; default 0)',
    },
    { name: '--first-call-differs', value: 'M', help: 'the last M threads start with another call in ours than in canary (default 0)' },
  ],
};

function positiveInt(spec: CommandSpec, name: string, v: string | true | string[] | undefined, dflt: number, min = 1): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(spec, `argument ${name}: expected an integer >= ${min}, got '${String(v)}'`);
  return n;
}

function bugList(spec: CommandSpec, v: string | true | string[] | undefined): number[] {
  if (v === undefined || v === '') return [];
  const ids = String(v)
    .split(',')
    .map((x) => Number(x.trim()));
  if (ids.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(spec, `argument --bugs: expected bug numbers like '1,2,3', got '${String(v)}'`);
  return [...new Set(ids)];
}

export function runGenerate(argv: string[]): number {
  const args = parseArgs(GENERATE_SPEC, argv);
  const dir = args.get('--out-dir') as string;
  const events = positiveInt(GENERATE_SPEC, '--events', args.get('--events'), 10000);
  const threads = positiveInt(GENERATE_SPEC, '--threads', args.get('--threads'), 8);
  const divergences = positiveInt(GENERATE_SPEC, '--divergences', args.get('--divergences'), 3, 0);
  const edits = positiveInt(GENERATE_SPEC, '--edits', args.get('--edits'), 0, 0);
  const profile = (args.get('--profile') as string | undefined) ?? 'realistic';
  if (profile !== 'realistic' && profile !== 'hostile') {
    throw new UsageError(GENERATE_SPEC, `argument --profile: expected 'realistic' or 'hostile', got '${profile}'`);
  }
  const bugIds = bugList(GENERATE_SPEC, args.get('--bugs'));
  const sharedFirstCall = positiveInt(GENERATE_SPEC, '--shared-first-call', args.get('--shared-first-call'), 0, 0);
  const firstCallDiffers = positiveInt(GENERATE_SPEC, '--first-call-differs', args.get('--first-call-differs'), 0, 0);
  if (sharedFirstCall + firstCallDiffers > threads) {
    throw new UsageError(
      GENERATE_SPEC,
      `argument --shared-first-call: ${sharedFirstCall} shared and ${firstCallDiffers} differing first calls need more than ${threads} threads`,
    );
  }
  mkdirSync(dir, { recursive: true });
  const shape = {
    seed: (args.get('--seed') as string | undefined) ?? '1',
    eventsPerThread: Math.max(1, Math.round(events / threads)),
    threads,
    profile: profile as Profile,
    ...(sharedFirstCall > 0 || firstCallDiffers > 0 ? { mappingTrap: { sharedFirstCall, firstCallDiffers } } : {}),
  };
  const r = generatePair(join(dir, 'canary.jsonl'), join(dir, 'ours.jsonl'), {
    ...shape,
    divergences: Math.min(divergences, threads),
    ...(edits > 0 ? { edits: plannedEdits(shape, edits) } : {}),
    ...(bugIds.length > 0 ? { bugs: bugIds.map((id) => plannedBug(shape.seed, id, threads)) } : {}),
  });
  writeStdout(
    `wrote ${join(dir, 'canary.jsonl')} (${r.canaryEvents} events, ${r.canaryBytes} bytes) and ${join(dir, 'ours.jsonl')} (${r.oursEvents} events, ${r.oursBytes} bytes)\n`,
  );
  return 0;
}
