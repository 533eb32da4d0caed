// The parity suite's cases: generated log pairs (most from the hostile
// profile), sometimes damaged on purpose, each with command-line options as
// scripts pass them to the reference. Deterministic: case N is the same
// everywhere, so its reference output can be kept as a golden file.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePair, type GenerateOptions } from '../../src/main/generator/generateLogs';
import { Rng } from '../../src/main/generator/prng';

type Damage =
  | 'none'
  | 'bad-json'
  | 'missing-tid'
  | 'out-of-order'
  | 'empty-file'
  | 'bad-schema-version'
  | 'header-not-first'
  | 'no-mapping'
  | 'blank-first-line'
  | 'crlf-blank-lines'
  | 'idx-equals-position'
  | 'ours-missing';

export interface ParityCase {
  id: string;
  gen: GenerateOptions;
  damage: Damage;
  damageSide: 'canary' | 'ours';
  /** Arguments after the tool's name; the logs are canary.jsonl and ours.jsonl in the case's directory. */
  args: string[];
}

const SAFE: Damage[] = ['none'];

export function parityCase(n: number): ParityCase {
  const r = new Rng(`parity-case:${n}`);
  const hostile = r.chance(0.8);
  const threads = r.int(1, 7);
  const gen: GenerateOptions = {
    seed: `parity-${n}`,
    eventsPerThread: r.pick([1, 3, 8, 20, 40, 90, 300]),
    threads,
    profile: hostile ? 'hostile' : 'realistic',
    divergences: r.int(0, threads),
  };
  const damages: Damage[] = [
    'bad-json',
    'missing-tid',
    'out-of-order',
    'empty-file',
    'bad-schema-version',
    'header-not-first',
    'no-mapping',
    'blank-first-line',
    'crlf-blank-lines',
    'idx-equals-position',
    'ours-missing',
  ];
  const damage = r.chance(0.22) ? r.pick(damages) : r.pick(SAFE);
  const args = ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl'];
  const roll = r.float();
  if (roll < 0.12) args.push('--no-canonicalize-allocators');
  else if (roll < 0.27) args.push('--tid-map', tidMapArg(r, threads));
  else if (roll < 0.37) args.push('--validate-identical');
  else if (roll < 0.43) args.push('--out', r.pick(['report.md', './out//report.md', 'no-such-dir/report.md']));
  else if (roll < 0.47) args.push('--tid-map', '');
  if (r.chance(0.1)) args.push('--validate-identical');
  if (damage === 'ours-missing') args[3] = 'missing-ours.jsonl'; // the ours log is named but absent
  return { id: `case-${String(n).padStart(3, '0')}`, gen, damage, damageSide: r.chance(0.5) ? 'canary' : 'ours', args };
}

/** Canary tids are 6, 7, …; ours 1, 2, …: a map in the forms scripts write, sometimes naming absent tids. */
function tidMapArg(r: Rng, threads: number): string {
  const tokens: string[] = [];
  const n = r.int(1, threads + 1);
  for (let i = 0; i < n; i++) {
    const c = 6 + r.int(0, threads); // sometimes one past the last canary tid: a warn: line
    const o = 1 + r.int(0, threads);
    const form = r.int(0, 4);
    const cs = form === 1 ? `0x${c.toString(16)}` : form === 2 ? ` ${c} ` : String(c);
    const os = form === 3 ? `0o${o.toString(8)}` : form === 4 ? `0b${o.toString(2)}` : String(o);
    tokens.push(`${cs}=${os}`);
  }
  if (r.chance(0.2)) tokens.push('');
  return tokens.join(',');
}

function damageText(text: string, damage: Damage, r: Rng): string {
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(nl);
  const eventLines = lines.map((l, i) => [l, i] as const).filter(([l, i]) => i > 0 && l.trim() !== '');
  const pickLine = (): number => (eventLines.length ? r.pick(eventLines)[1] : 0);
  switch (damage) {
    case 'bad-json': {
      const i = pickLine();
      lines[i] = lines[i]!.slice(0, Math.max(1, Math.floor(lines[i]!.length / 2)));
      break;
    }
    case 'missing-tid': {
      const i = pickLine();
      lines[i] = lines[i]!.replace(/"tid": ?-?\d+, ?/, '');
      break;
    }
    case 'out-of-order': {
      // Move an event of a thread ahead of its predecessor.
      const i = pickLine();
      const m = /"tid_event_idx": ?(\d+)/.exec(lines[i]!);
      if (m && Number(m[1]) > 2) lines[i] = lines[i]!.replace(m[0], `"tid_event_idx": ${Number(m[1]) - 2}`);
      break;
    }
    case 'empty-file':
      return '';
    case 'bad-schema-version':
      lines[0] = lines[0]!.replace(
        '"schema_version": 1',
        r.pick(['"schema_version": 2', '"schema_version": "1"', '"schema_version": 1.0', '"schema_version": true']),
      );
      break;
    case 'header-not-first':
      lines.shift();
      break;
    case 'no-mapping':
      return lines.map((l) => l.replace(/"kernel\.call"/g, '"kernel.call.x"')).join(nl);
    case 'blank-first-line':
      return nl + text;
    case 'crlf-blank-lines':
      return lines.map((l) => (r.chance(0.1) ? `${l}\r\n` : l)).join('\r\n');
    case 'idx-equals-position': {
      // tid_event_idx equal to the event's position is never checked against its predecessor.
      const i = pickLine();
      lines[i] = lines[i]!.replace(/"tid_event_idx": ?\d+/, '"tid_event_idx": 1');
      break;
    }
    case 'ours-missing':
    case 'none':
      break;
  }
  return lines.join(nl);
}

/** Write the case's logs into `dir`; returns a digest of their bytes (golden files record it). */
export function materializeCase(c: ParityCase, dir: string): string {
  const canary = join(dir, 'canary.jsonl');
  const ours = join(dir, 'ours.jsonl');
  generatePair(canary, ours, c.gen);
  mkdirSync(join(dir, 'out'), { recursive: true });
  if (c.damage !== 'none') {
    const r = new Rng(`damage:${c.id}`);
    const target = c.damage === 'no-mapping' ? ours : c.damageSide === 'canary' ? canary : ours;
    writeFileSync(target, damageText(readFileSync(target, 'utf8'), c.damage, r));
  }
  const h = createHash('sha256');
  h.update(readFileSync(canary));
  h.update(readFileSync(ours));
  h.update(JSON.stringify(c.args));
  return h.digest('hex').slice(0, 16);
}
