// The command line's rule options, in one place: `--rules FILE` and the flags
// for the common cases, each one a rules-file directive (docs/rules.md). They
// start from the reference's rules, or from the file's.
import { readFileSync, statSync } from 'node:fs';
import { REFERENCE_RULES } from '../rules/referenceRules';
import { parseRules, parseSkipField, RulesBuilder, RulesError } from '../rules/rulesFile';
import { rulesProblem, type RuleSet } from '../rules/ruleSet';
import type { OptionSpec, ParsedArgs } from './args';

export const RULE_OPTIONS: OptionSpec[] = [
  { name: '--rules', value: 'FILE', help: "compare under the rules in FILE (docs/rules.md; lockstep rules --print-default prints the reference's)" },
  {
    name: '--skip-field',
    value: 'KIND:PATH',
    repeat: true,
    help: 'never compare PATH in events of KIND (* for every kind), e.g. *:payload.timeout_ms or kernel.call:payload.args_resolved.a0',
  },
  { name: '--allocator', value: 'NAME', repeat: true, help: 'add NAME to the allocator functions whose return values are canonicalized' },
  { name: '--ignore-kind', value: 'KIND', repeat: true, help: 'leave the events of KIND out of both streams before comparing' },
];

function readRulesFile(path: string): string {
  try {
    if (statSync(path).isDirectory()) throw new RulesError(`--rules ${path}: is a directory, not a rules file`);
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof RulesError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new RulesError(`--rules ${path}: ${code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/** The rules the options ask for: the file's (or the reference's) with the flags applied. */
export function rulesFromArgs(args: ParsedArgs): RuleSet {
  const file = args.get('--rules') as string | undefined;
  const b = new RulesBuilder(file === undefined ? REFERENCE_RULES : parseRules(readRulesFile(file), file));
  for (const f of args.all('--skip-field')) {
    const { kind, path } = parseSkipField(f);
    b.skip(kind, path);
  }
  for (const a of args.all('--allocator')) b.allocator(a);
  for (const k of args.all('--ignore-kind')) {
    if (k === '*') throw new RulesError('--ignore-kind takes one kind, not *');
    b.ignoreKind(k);
  }
  const problem = rulesProblem(b.rules);
  if (problem) throw new RulesError(problem);
  return b.rules;
}
