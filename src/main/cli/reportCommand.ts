// `lockstep report --session F`: a saved session's report, in any format,
// from the command line (CI artifacts, sharing without the workbench).
import { existsSync } from 'node:fs';
import { comparisonOf } from '../diff/comparison';
import { IndexedLog } from '../diff/indexedLog';
import { RuledLog } from '../diff/ruledLog';
import { DiffOptionError, diffLogs } from '../diff/diffLogs';
import { fingerprintFile } from '../ingest/fingerprint';
import { ingestPair } from '../ingest/ingestPair';
import { appVersion } from '../hosts/appPaths';
import { REPORT_FORMATS } from '../../shared/requestSchemas';
import { renderReport } from '../report/exportReport';
import { readSessionFile, SessionFileError } from '../sessions/sessionFile';
import { keptRules, tidMapArg, tidPairsFromJson } from '../service/openSession';
import { writeReport } from './diffCommand';
import { withIndex } from './withIndex';
import type { ReportFormat } from '../../shared/api';
import { parseArgs, type CommandSpec } from './args';
import { TerminalProgress } from './progressBar';
import { writeStderr, writeStdout } from './output';
import { BASELINE_OPTIONS, baselineChoice, compareRun, finishComparison } from './baselineOptions';

export const REPORT_SPEC: CommandSpec = {
  prog: 'lockstep report',
  summary: 'Render a saved session (.lockstep file): its logs, thread map, settings, bookmarks and notes.',
  options: [
    { name: '--session', value: 'FILE', required: true, help: 'the .lockstep session file (File > Save session as… in the workbench)' },
    {
      name: '--format',
      value: 'FORMAT',
      choices: REPORT_FORMATS,
      help: `one of ${REPORT_FORMATS.join(', ')} (default reference-md: the bytes lockstep diff prints)`,
    },
    { name: '--out', value: 'OUT', help: 'write the report here (else stdout)' },
    { name: '--canary', value: 'PATH', help: 'the canary log, if it is no longer where the session says' },
    { name: '--ours', value: 'PATH', help: 'the ours log, if it is no longer where the session says' },
    { name: '--accept-changed', help: 'use logs whose content changed since the session was saved' },
    { name: '--accept-truncated', help: 'use a log whose last line is cut short up to its last complete line (the report says where)' },
    { name: '--db', value: 'PATH', help: 'keep the SQLite index at PATH for reuse (default: temporary)' },
    ...BASELINE_OPTIONS,
    { name: '--quiet', help: 'no progress bars' },
  ],
};

export async function runReport(argv: string[]): Promise<number> {
  const args = parseArgs(REPORT_SPEC, argv);
  const format = ((args.get('--format') as string | undefined) ?? 'reference-md') as ReportFormat;
  let file;
  try {
    file = readSessionFile(args.get('--session') as string);
  } catch (e) {
    if (e instanceof SessionFileError) throw new DiffOptionError(e.message);
    throw e;
  }
  const paths = {
    canary: (args.get('--canary') as string | undefined) ?? file.logs.canary.path,
    ours: (args.get('--ours') as string | undefined) ?? file.logs.ours.path,
  };
  for (const side of ['canary', 'ours'] as const) {
    const p = paths[side];
    if (!existsSync(p)) throw new DiffOptionError(`the session's ${side} log is not at ${p}; give its new place with --${side}`);
    const fp = fingerprintFile(p);
    if ((fp.fingerprint !== file.logs[side].fingerprint || fp.size !== file.logs[side].size) && !args.has('--accept-changed')) {
      throw new DiffOptionError(`the ${side} log ${p} changed since the session was saved; pass --accept-changed to use it anyway`);
    }
  }
  const baseline = baselineChoice(REPORT_SPEC, args);
  const progress = args.has('--quiet') ? null : new TerminalProgress();
  return withIndex((args.get('--db') as string | undefined) ?? null, async (index) => {
    let pair;
    try {
      pair = await ingestPair(
        index.db,
        index.path,
        { path: paths.canary, label: paths.canary },
        { path: paths.ours, label: paths.ours },
        {
          onProgress: (side, p) => progress?.update(side === 'canary' ? 'canary' : 'ours  ', p),
          acceptTruncated: args.has('--accept-truncated'),
        },
      );
    } finally {
      progress?.clear();
    }
    const notes: string[] = [];
    const cmp = comparisonOf(file.canonicalize, keptRules(file.rules, notes));
    for (const n of notes) writeStderr(`warn: ${n}\n`);
    const c = new RuledLog(new IndexedLog(index.db, pair.canary, paths.canary, paths.canary), cmp);
    const o = new RuledLog(new IndexedLog(index.db, pair.ours, paths.ours, paths.ours), cmp);
    try {
      const tidPairs = tidPairsFromJson(file.tidMap, file.tidMapReasons);
      const result = diffLogs(c, o, { tidPairs });
      const run = baseline.baseline ? compareRun(baseline.baseline, result, c, o) : null;
      const text = renderReport(format, {
        result,
        canary: c,
        ours: o,
        sessionName: file.name,
        tidMapArg: tidMapArg(result),
        manualMap: tidPairs !== null,
        bookmarks: file.bookmarks,
        generator: `Lockstep ${appVersion()}`,
        ...(run ? { signatures: run.signatures, baseline: run.comparison } : {}),
      });
      for (const w of result.warnings) writeStderr(w + '\n');
      const out = args.get('--out') as string | undefined;
      if (out === undefined) writeStdout(text);
      else {
        writeReport(out, text);
        writeStderr(`report written to ${out}\n`);
      }
      return finishComparison(baseline, run);
    } finally {
      c.close();
      o.close();
    }
  });
}
