// `lockstep diff`: the drop-in replacement for the reference's command line.
import { basename } from 'node:path';
import type { ReportFormat } from '../../shared/api';
import { REPORT_FORMATS } from '../../shared/requestSchemas';
import { pyStr } from '../py/format';
import { pythonStdoutErrors } from '../py/stdio';
import { comparisonOf } from '../diff/comparison';
import { IndexedLog } from '../diff/indexedLog';
import { DiffOptionError, diffLogs, type AutoMap } from '../diff/diffLogs';
import { RuledLog } from '../diff/ruledLog';
import { ingestPair } from '../ingest/ingestPair';
import { pythonPathStr } from '../ingest/logErrors';
import { renderReport } from '../report/exportReport';
import { assertEncodable, renderReferenceReport } from '../report/referenceMarkdown';
import { cutNoticeMarkdown, cutNotices } from '../report/reportContext';
import { appVersion } from '../hosts/appPaths';
import { tidMapArg } from '../service/openSession';
import { noSpace, NoSpaceError, writeFailureReason, writeFileAtomic } from '../store/noSpace';
import { withIndex } from './withIndex';
import { parseArgs, UsageError, type CommandSpec } from './args';
import { TerminalProgress } from './progressBar';
import { RULE_OPTIONS, rulesFromArgs } from './ruleOptions';
import { readablePath } from './spool';
import { writeStderr, writeStdout } from './output';
import { BASELINE_OPTIONS, baselineChoice, compareRun, finishComparison } from './baselineOptions';

/** --auto-map's choices, checked by argparse's model where the option stands (cli/args.ts). */
const AUTO_MAPS: readonly AutoMap[] = ['reference', 'similarity'];

export const DIFF_SPEC: CommandSpec = {
  prog: 'lockstep diff',
  summary:
    'Find, per guest thread, the first event where two schema-v1 logs differ, and print the\n' +
    "reference tool's Markdown report (byte-identical to diff_events.py); with --format, every\n" +
    'difference after it too, aligned (events inserted, missing, changed), in JSON or Markdown.',
  options: [
    { name: '--canary', value: 'CANARY', required: true, help: 'log of the trusted reference engine' },
    { name: '--ours', value: 'OURS', required: true, help: 'log of the engine under development' },
    { name: '--out', value: 'OUT', help: 'write the Markdown report here (else stdout)' },
    {
      name: '--tid-map',
      value: 'TID_MAP',
      help: "manual thread mapping like '6=1,7=2' (canary=ours, any Python int form: 0x6, 1_000); replaces the automatic mapping by first kernel.call name",
    },
    {
      name: '--auto-map',
      value: 'HOW',
      choices: AUTO_MAPS,
      help: "how threads are paired without --tid-map: 'reference' (default: by first kernel.call name, as diff_events.py) or 'similarity' (by the similarity of the whole streams, each pair with its reason and confidence; for --format json, annotated-md and html only)",
    },
    { name: '--validate-identical', help: 'exit 1 if any mapped thread pair diverges (a CI gate)' },
    {
      name: '--no-canonicalize-allocators',
      help: 'compare allocator return values raw instead of as per-thread ordinals <alloc:NAME_N>',
    },
    {
      name: '--db',
      value: 'PATH',
      help: 'keep the SQLite index at PATH and reuse it for unchanged logs (default: a temporary index, removed at exit)',
    },
    {
      name: '--format',
      value: 'FORMAT',
      choices: REPORT_FORMATS,
      help: `the report: ${REPORT_FORMATS.join(', ')} (default reference-md, the reference's bytes; json and annotated-md hold every aligned hunk)`,
    },
    {
      name: '--accept-truncated',
      help: 'a log whose last line is cut short (a run that crashed) is used up to its last complete line, and every report says where it was cut (the reference refuses it, and so does Lockstep without this)',
    },
    ...BASELINE_OPTIONS,
    { name: '--quiet', help: 'no progress bars on a terminal' },
    ...RULE_OPTIONS,
  ],
  epilog:
    'Exit status: 0 done; 1 bad input (one line on stderr naming file and line) or, with\n' +
    '--validate-identical, a divergence, or with --fail-on new, a new divergence; 2 no thread\n' +
    'mapping or a usage error.',
};

/** `--canary=--` and `--ours=--`: argparse hands the reference an empty list for a path, which it cannot open. */
function emptyListPath(option: string): DiffOptionError {
  return new DiffOptionError(
    `${option}: argparse takes '${option}=--' for an empty list, not a path (the reference fails opening it with AttributeError: 'list' object has no attribute 'open')`,
  );
}

export async function runDiff(argv: string[]): Promise<number> {
  const args = parseArgs(DIFF_SPEC, argv);
  if (args.emptyList.has('--canary')) throw emptyListPath('--canary');
  // The reference opens its paths as pathlib.Path holds them: 'a.jsonl/' and './a.jsonl' are a.jsonl.
  const canaryArg = pythonPathStr(args.get('--canary') as string);
  // The reference reads the canary log first: its errors come before this one.
  const oursArg = args.emptyList.has('--ours') ? canaryArg : pythonPathStr(args.get('--ours') as string);
  const outArg = args.get('--out') as string | undefined;
  const out = outArg === undefined ? undefined : pythonPathStr(outArg);
  const format = ((args.get('--format') as string | undefined) ?? 'reference-md') as ReportFormat;
  const baseline = baselineChoice(DIFF_SPEC, args);
  const autoMap = autoMapOf(args.get('--auto-map') as AutoMap | undefined, format, args.has('--tid-map'));
  // The rules first: a rules file that cannot be read is refused before any log is.
  const cmp = comparisonOf(!args.has('--no-canonicalize-allocators'), rulesFromArgs(args));
  const progress = args.has('--quiet') ? null : new TerminalProgress();
  return withIndex((args.get('--db') as string | undefined) ?? null, async (index) => {
    // Pipes are read once into a temporary copy; messages still name them as given.
    const canary = { path: await readablePath(canaryArg, 'canary'), label: canaryArg };
    const ours = { path: await readablePath(oursArg, 'ours'), label: oursArg };
    let pair;
    try {
      pair = await ingestPair(index.db, index.path, canary, ours, {
        onProgress: (side, p) => progress?.update(side === 'canary' ? 'canary' : 'ours  ', p),
        acceptTruncated: args.has('--accept-truncated'),
      });
    } finally {
      progress?.clear();
    }
    if (args.emptyList.has('--ours')) throw emptyListPath('--ours');
    const c = new RuledLog(new IndexedLog(index.db, pair.canary, canary.label, canary.path), cmp);
    const o = new RuledLog(new IndexedLog(index.db, pair.ours, ours.label, ours.path), cmp);
    try {
      const result = diffLogs(c, o, { tidMapArg: (args.get('--tid-map') as string | undefined) ?? null, autoMap });
      for (const w of result.warnings) writeStderr(w + '\n');
      for (const n of cutNotices({ canary: c, ours: o })) writeStderr(`warn: ${n}\n`);
      const run = baseline.baseline ? compareRun(baseline.baseline, result, c, o) : null;
      if (format === 'reference-md') {
        const report = cutNoticeMarkdown({ canary: c, ours: o }) + renderReferenceReport(result);
        if (out !== undefined) {
          writeReportFile(out, report);
          writeStderr(`diff report written to ${out}\n`);
        } else writeStdout(report, pythonStdoutErrors());
      } else {
        const tidMap = (args.get('--tid-map') as string | undefined) ?? null;
        const report = renderReport(format, {
          result,
          canary: c,
          ours: o,
          sessionName: `${basename(canaryArg)} ↔ ${basename(oursArg)}`,
          tidMapArg: tidMap ?? tidMapArg(result),
          manualMap: tidMap !== null && tidMap !== '',
          bookmarks: [],
          generator: `Lockstep ${appVersion()}`,
          ...(run ? { signatures: run.signatures, baseline: run.comparison } : {}),
        });
        if (out !== undefined) {
          writeOtherReport(out, report);
          writeStderr(`diff report written to ${out}\n`);
        } else writeStdout(report);
      }
      if (args.has('--validate-identical')) {
        const bad = result.pairs.find((r) => r.divergence !== null);
        if (bad) {
          writeStderr(
            `validate-identical: divergence in canary_tid=${pyStr(bad.canaryTid)} at tid_event_idx=${bad.divergence!.position} (${bad.divergence!.difference.description})\n`,
          );
          finishComparison(baseline, run);
          return 1;
        }
      }
      return finishComparison(baseline, run);
    } finally {
      c.close();
      o.close();
    }
  });
}

/**
 * --auto-map: the similarity mapping serves Lockstep's own formats. The reference's Markdown
 * keeps the reference's pairing (its bytes are diff_events.py's), and a --tid-map replaces
 * any automatic mapping, so asking for both is a usage error rather than a silent choice.
 */
function autoMapOf(value: AutoMap | undefined, format: ReportFormat, tidMap: boolean): AutoMap {
  if (value === undefined) return 'reference';
  // argparse checked the value against AUTO_MAPS where it stood.
  if (value === 'similarity' && format === 'reference-md') {
    throw new UsageError(
      DIFF_SPEC,
      "argument --auto-map: 'similarity' needs --format json, annotated-md or html (the reference's Markdown keeps the reference's pairing: pass the pairs as --tid-map)",
    );
  }
  if (value === 'similarity' && tidMap) throw new UsageError(DIFF_SPEC, 'argument --auto-map: not allowed with argument --tid-map');
  return value;
}

/** Write a report of Lockstep's own formats, whole or not at all. */
function writeOtherReport(out: string, report: string): void {
  writeReport(out, report);
}

/** Write the --out file; a report the reference could not encode leaves it empty, as the reference does. */
function writeReportFile(out: string, report: string): void {
  let encodable = true;
  try {
    assertEncodable(report);
  } catch {
    encodable = false;
  }
  writeReport(out, encodable ? report : '');
  if (!encodable) assertEncodable(report);
}

/** A report file written beside and renamed: a full disk leaves the old file (or none), never a partial one. */
export function writeReport(out: string, text: string): void {
  try {
    writeFileAtomic(out, text);
  } catch (e) {
    const message = `cannot write the report to ${pythonPathStr(out)}: ${writeFailureReason(e)}`;
    throw noSpace(e) ? new NoSpaceError(`${message}; nothing was written`) : new DiffOptionError(message);
  }
}
