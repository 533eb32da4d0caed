// Cases for the rules' parity suite: generated log pairs with a random rules
// file (and sometimes the same rules given as command-line flags), and the
// reference patched in its rule constants only, built from the same rules.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedTidMap, generatePair, type GenerateOptions } from '../../src/main/generator/generateLogs';
import { Rng } from '../../src/main/generator/prng';
import { RulesBuilder, printRules } from '../../src/main/rules/rulesFile';
import { REFERENCE_RULES } from '../../src/main/rules/referenceRules';
import { rulesProblem, type RuleSet } from '../../src/main/rules/ruleSet';

export interface RulesCase {
  id: string;
  gen: GenerateOptions;
  /** The rules the run is under (the file's, with the flags applied). */
  rules: RuleSet;
  /** The rules file's text. */
  file: string;
  /** Arguments of lockstep diff after the logs (the file is rules.txt in the case's directory). */
  args: string[];
  canonicalize: boolean;
  tidMap: string | null;
}

const KINDS = ['kernel.call', 'kernel.return', 'handle.create', 'handle.destroy', 'wait.begin', 'wait.end', 'import.call', 'thread.exit', 'custom.marker'];
const FIELDS = ['name', 'ord', 'args_resolved', 'return_value', 'status', 'raw_handle_id', 'handle_semantic_id', 'type', 'object', 'timeout', 'result'];
const MORE_FIELDS = ['wait_duration_cycles', 'frame', 'note', 'lockstep_changed', 'ours_note', 'changed', 'big', 'ours_debug', 'entry', 'exit_code'];
const ARGS = ['handle', 'buffer', 'length', 'timeout', 'flags', 'path', 'offset', 'count'];
const NAMES = ['NtReadFile', 'NtClose', 'KeSetEvent', 'RtlAllocateHeap', 'MmAllocatePhysicalMemory', 'NtCreateFile', 'XamInputGetState'];

function generation(r: Rng, n: number): GenerateOptions {
  const threads = r.int(1, 5);
  return {
    seed: `rules-${n}`,
    eventsPerThread: r.pick([3, 20, 60, 150, 400]),
    threads,
    profile: r.chance(0.6) ? 'hostile' : 'realistic',
    divergences: r.int(0, threads),
  };
}

/**
 * Rules the reference can hold in its constants: top-level payload fields
 * skipped per kind or for every kind, allocators added or taken away.
 */
export function referenceExpressibleCase(n: number): RulesCase {
  const r = new Rng(`rules-case:${n}`);
  const lines: string[] = [];
  if (r.chance(0.15)) lines.push('base none');
  for (let k = r.int(0, 3); k > 0; k--) lines.push(`skip ${r.pick([...KINDS, '*'])} payload.${r.pick([...FIELDS, ...MORE_FIELDS])}`);
  if (r.chance(0.3)) lines.push(`compare ${r.pick(['handle.create', 'handle.destroy'])} payload.raw_handle_id`);
  if (r.chance(0.2)) lines.push('compare wait.end payload.wait_duration_cycles');
  for (let k = r.int(0, 2); k > 0; k--) lines.push(`allocator ${r.pick(NAMES)}`);
  if (r.chance(0.25)) lines.push(`not-allocator ${r.pick(['RtlAllocateHeap', 'NtAllocateVirtualMemory', 'MmCreateKernelStack'])}`);
  if (r.chance(0.3)) lines.splice(r.int(0, lines.length), 0, '# a comment', '');
  // Sometimes the flags say part of it, on top of the file.
  const flags: string[] = [];
  if (r.chance(0.3)) flags.push('--skip-field', `${r.pick([...KINDS, '*'])}:payload.${r.pick(FIELDS)}`);
  if (r.chance(0.2)) flags.push('--allocator', r.pick(NAMES));
  return finish(n, r, lines, flags, 'p');
}

/** Rules only Lockstep holds: nested paths, tid_event_idx and payload skips, ignored kinds, numbered and paired fields. */
export function lockstepOnlyCase(n: number): RulesCase {
  const r = new Rng(`rules-only-case:${n}`);
  const lines: string[] = [];
  if (r.chance(0.5)) lines.push(`skip ${r.pick(['kernel.call', '*'])} payload.args_resolved.${r.pick(ARGS)}`);
  if (r.chance(0.25)) lines.push(`skip ${r.pick([...KINDS, '*'])} tid_event_idx`);
  if (r.chance(0.15)) lines.push(`skip ${r.pick(KINDS)} payload`);
  if (r.chance(0.35)) lines.push(`ignore-kind ${r.pick(['wait.begin', 'handle.destroy', 'import.call', 'thread.exit', 'custom.marker', 'gpu.swap'])}`);
  if (r.chance(0.3)) lines.push(`canonicalize ${r.pick(['handle.create', 'handle.destroy', '*'])} payload.raw_handle_id`);
  if (r.chance(0.3)) lines.push(`pair ${r.pick(['handle.create', '*'])} payload.raw_handle_id`);
  if (r.chance(0.25)) lines.push(`${r.pick(['canonicalize', 'pair'])} kernel.call payload.args_resolved.${r.pick(ARGS)}`);
  if (r.chance(0.2)) lines.push(`pair wait.end payload.wait_duration_cycles`);
  if (r.chance(0.4)) lines.push('allocators pair');
  if (r.chance(0.2)) lines.push(`allocator ${r.pick(NAMES)}`);
  const flags: string[] = [];
  if (r.chance(0.2)) flags.push('--ignore-kind', r.pick(['wait.begin', 'thread.exit']));
  return finish(n, r, lines, flags, 'x');
}

function finish(n: number, r: Rng, lines: string[], flags: string[], tag: string): RulesCase {
  const gen = generation(r, n);
  const b = new RulesBuilder(REFERENCE_RULES);
  lines.forEach((l, i) => b.directive(l, i === 0 || lines.slice(0, i).every((x) => x.trim() === '' || x.startsWith('#'))));
  for (let i = 0; i < flags.length; i += 2) {
    const v = flags[i + 1]!;
    if (flags[i] === '--skip-field') {
      const colon = v.indexOf(':');
      b.skip(v.slice(0, colon), v.slice(colon + 1).split('.'));
    } else if (flags[i] === '--allocator') b.allocator(v);
    else b.ignoreKind(v);
  }
  const rules = b.rules;
  if (rulesProblem(rules))
    return finish(
      n,
      r,
      lines.filter((l) => !l.startsWith('canonicalize') && !l.startsWith('pair ')),
      flags,
      tag,
    );
  const canonicalize = !r.chance(0.2);
  const tidMap = r.chance(0.3) ? generatedTidMap(gen) : null;
  const args = ['--rules', 'rules.txt', ...flags];
  if (!canonicalize) args.push('--no-canonicalize-allocators');
  if (tidMap !== null) args.push('--tid-map', tidMap);
  if (r.chance(0.3)) args.push('--validate-identical');
  if (r.chance(0.2)) args.push('--out', 'report.md');
  return { id: `${tag}${String(n).padStart(3, '0')}`, gen, rules, file: lines.join('\n') + '\n', args, canonicalize, tidMap };
}

export function materializeRulesCase(c: RulesCase, dir: string): void {
  generatePair(join(dir, 'canary.jsonl'), join(dir, 'ours.jsonl'), c.gen);
  writeFileSync(join(dir, 'rules.txt'), c.file);
  writeFileSync(join(dir, 'rules.printed'), printRules(c.rules));
}

const pyStr = (s: string): string => JSON.stringify(s);

/**
 * The reference with its rule constants replaced by these rules, and nothing
 * else: SKIP_PAYLOAD_FIELDS_BY_KIND (a dict whose get() adds the fields
 * skipped for every kind) and ALLOCATOR_RETURN_FNS.
 */
export function patchedReference(source: string, rules: RuleSet): string {
  const byKind = new Map<string, string[]>();
  const any: string[] = [];
  for (const s of rules.skip) {
    if (s.path.length !== 2 || s.path[0] !== 'payload') throw new Error(`the reference cannot hold skip ${s.kind} ${s.path.join('.')}`);
    if (s.kind === '*') any.push(s.path[1]!);
    else byKind.set(s.kind, [...(byKind.get(s.kind) ?? []), s.path[1]!]);
  }
  const set = (xs: string[]): string => (xs.length ? `{${xs.map(pyStr).join(', ')}}` : 'set()');
  const skips = [
    'class _SkipsForEveryKind(dict):',
    '    def get(self, kind, default=None):',
    `        return ${set(any)} | dict.get(self, kind, set())`,
    '',
    '',
    `SKIP_PAYLOAD_FIELDS_BY_KIND = _SkipsForEveryKind({${[...byKind].map(([k, f]) => `${pyStr(k)}: ${set(f)}`).join(', ')}})`,
  ].join('\n');
  const allocators = `ALLOCATOR_RETURN_FNS = frozenset([${rules.allocators.map(pyStr).join(', ')}])`;
  const replace = (text: string, re: RegExp, by: string): string => {
    const m = text.match(re);
    if (!m || m.length !== 1) throw new Error(`the reference's constant ${re} is not where the patch expects it`);
    return text.replace(re, () => by);
  };
  let out = replace(source, /^SKIP_PAYLOAD_FIELDS_BY_KIND = \{\n[\s\S]*?^\}$/gm, skips);
  out = replace(out, /^ALLOCATOR_RETURN_FNS = frozenset\(\n[\s\S]*?^\)$/gm, allocators);
  if (rules.allocatorPairing || rules.canonicalize.length || rules.ignoreKinds.length) throw new Error('the reference cannot hold these rules');
  return out;
}
