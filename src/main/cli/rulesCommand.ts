// `lockstep rules`: the reference's rules as a rules file to start from, and
// a check of a rules file (with the flags of `lockstep diff`) that prints the
// rules it makes and how they differ from the reference's.
import { REFERENCE_RULES } from '../rules/referenceRules';
import { printRules } from '../rules/rulesFile';
import { rulesDifferences, rulesFingerprint } from '../rules/ruleSet';
import { parseArgs, UsageError, type CommandSpec } from './args';
import { writeStdout } from './output';
import { RULE_OPTIONS, rulesFromArgs } from './ruleOptions';

const RULES_SPEC: CommandSpec = {
  prog: 'lockstep rules',
  summary:
    "Print the reference tool's comparison rules as a rules file (docs/rules.md) to edit and pass\n" +
    'to lockstep diff --rules; or check the rules that --rules and the other options make.',
  options: [
    { name: '--print-default', help: "print the reference's rules (SKIP_PAYLOAD_FIELDS_BY_KIND, ALLOCATOR_RETURN_FNS) as a rules file" },
    { name: '--check', help: 'print the rules the options below make, their fingerprint and how they differ from the reference' },
    ...RULE_OPTIONS,
  ],
  epilog: 'Exit status: 0 done; 1 a rules file that cannot be read (one line naming file and line); 2 a usage error.',
};

export function runRules(argv: string[]): number {
  const args = parseArgs(RULES_SPEC, argv);
  if (args.has('--print-default') === args.has('--check')) throw new UsageError(RULES_SPEC, 'give one of --print-default and --check');
  if (args.has('--print-default')) {
    if (RULE_OPTIONS.some((o) => args.has(o.name))) throw new UsageError(RULES_SPEC, '--print-default takes no other option');
    writeStdout(printRules(REFERENCE_RULES, ["The reference's rules (diff_events.py), printed by lockstep rules --print-default."]));
    return 0;
  }
  const rules = rulesFromArgs(args);
  const diff = rulesDifferences(rules, REFERENCE_RULES);
  writeStdout(
    printRules(rules, [
      `Fingerprint ${rulesFingerprint(rules)}.`,
      diff.length ? `Differs from the reference's rules by: ${diff.join('; ')}.` : "The reference's rules.",
    ]),
  );
  return 0;
}
