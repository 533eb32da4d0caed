// --baseline FILE [--fail-on new], for `lockstep diff` and `lockstep report`
// alike: the options, reading the baseline before any log is read (a bad one
// fails at once, in one line naming file and line), comparing the run with it,
// and the line and exit status that end the command.
import { alignPair } from '../align/alignPair';
import { sides } from '../align/pairAlignment';
import type { DiffResult } from '../diff/diffLogs';
import type { RuledLog } from '../diff/ruledLog';
import { pythonPathStr } from '../ingest/logErrors';
import { compareWithBaseline, comparisonLine, type BaselineComparison } from '../triage/baselineCompare';
import { readBaseline, type Baseline } from '../triage/baselineFile';
import type { HunkSignature } from '../triage/hunkSignature';
import { groupSignatures, pairSignatures } from '../triage/signatureGroups';
import { UsageError, type CommandSpec, type ParsedArgs } from './args';
import { writeStderr } from './output';

export const BASELINE_OPTIONS: CommandSpec['options'] = [
  {
    name: '--baseline',
    value: 'FILE',
    help: "compare with a baseline: a curated list of known divergences, or an earlier run's JSON report (docs/baseline.md); the JSON report marks each hunk new or known, and stderr gets one line: N new, N known, N fixed",
  },
  { name: '--fail-on', value: 'WHAT', choices: ['new'], help: "'new': exit 1 when any hunk's signature is not in the baseline (a CI gate; needs --baseline)" },
];

export interface BaselineChoice {
  baseline: Baseline | null;
  failOnNew: boolean;
}

/** The options as given; the baseline file read and checked now, before any log. */
export function baselineChoice(spec: CommandSpec, args: ParsedArgs): BaselineChoice {
  const path = args.get('--baseline') as string | undefined;
  const failOn = args.get('--fail-on') as string | undefined;
  if (failOn !== undefined && path === undefined) throw new UsageError(spec, 'argument --fail-on: needs --baseline FILE (what counts as new)');
  return { baseline: path === undefined ? null : readBaseline(path, pythonPathStr(path)), failOnNew: failOn === 'new' };
}

export interface RunComparison {
  signatures: Map<string, HunkSignature[]>;
  comparison: BaselineComparison;
}

/** Every hunk of the run signed (each pair aligned), and the run compared with the baseline. */
export function compareRun(baseline: Baseline, result: DiffResult, canary: RuledLog, ours: RuledLog): RunComparison {
  const signatures = new Map<string, HunkSignature[]>();
  for (const p of result.pairs) {
    const { c, o } = sides(p, canary, ours);
    signatures.set(p.canaryThread.tidKey, pairSignatures(p, canary, ours, alignPair(c, o)));
  }
  const groups = groupSignatures([...signatures].map(([pairKey, s]) => ({ pairKey, signatures: s })));
  return {
    signatures,
    comparison: compareWithBaseline(
      baseline,
      groups.map((g) => ({ id: g.id, text: g.text, hunks: g.hunks.length })),
    ),
  };
}

/** The stderr line (`3 new, 12 known, 2 fixed`), and the exit status --fail-on asks for. */
export function finishComparison(choice: BaselineChoice, run: RunComparison | null): number {
  if (!run) return 0;
  writeStderr(comparisonLine(run.comparison) + '\n');
  return choice.failOnNew && run.comparison.newHunks > 0 ? 1 : 0;
}
