// What a comparison is made under: the reference's allocator canonicalization
// switch and a rule set. Results are kept and named under its setting.
import { REFERENCE_RULES } from '../rules/referenceRules';
import { normalizeRules, ruleLines, rulesDifferences, rulesFingerprint, type RuleSet } from '../rules/ruleSet';

export interface Comparison {
  /** The reference's allocator canonicalization (--no-canonicalize-allocators turns it off). */
  canonicalize: boolean;
  rules: RuleSet;
  /** The rule set's fingerprint (rules/ruleSet.ts). */
  fingerprint: string;
  /**
   * The rules compare as the reference's constants do (the same rules, or
   * rules that differ only in what allocator canonicalization would do while
   * it is off): the keys the index holds serve, and every fast path with them.
   */
  reference: boolean;
  /** What results computed under it are kept under (alignments in the index). */
  setting: string;
  /** The rules that differ from the reference's, as rules-file directives (empty for the reference's). */
  differences: string[];
}

const withoutAllocators = (r: RuleSet): string => ruleLines({ ...r, allocators: [], allocatorPairing: false }).join('\n');

export function comparisonOf(canonicalize: boolean, rules: RuleSet = REFERENCE_RULES): Comparison {
  const n = normalizeRules(rules);
  const fingerprint = rulesFingerprint(n);
  const differences = rulesDifferences(n, REFERENCE_RULES);
  const reference = differences.length === 0 || (!canonicalize && withoutAllocators(n) === withoutAllocators(REFERENCE_RULES));
  const mode = canonicalize ? 'canonical' : 'raw';
  return { canonicalize, rules: n, fingerprint, reference, setting: reference ? `reference+${mode}` : `rules-${fingerprint}+${mode}`, differences };
}

/** The reference's own comparison: its rules, allocator canonicalization as asked. */
export const referenceComparison = (canonicalize: boolean): Comparison => comparisonOf(canonicalize, REFERENCE_RULES);
