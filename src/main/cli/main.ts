// The `lockstep` command line: one process, one command, one clear line on
// any error (never a stack trace for bad input).
import { LogInputError, IngestCancelled } from '../ingest/logErrors';
import { DiffOptionError, NoTidMapping } from '../diff/diffLogs';
import { NoSpaceError } from '../store/noSpace';
import { PyError } from '../py/value';
import { HelpRequested, UsageError } from './args';
import { runCache } from './cacheCommand';
import { runDiff } from './diffCommand';
import { runGenerate } from './generateCommand';
import { runReport } from './reportCommand';
import { runServe } from './serveCommand';
import { runRules } from './rulesCommand';
import { RulesError } from '../rules/rulesFile';
import { writeStderr, writeStdout } from './output';

const OVERVIEW = `usage: lockstep <command> [options]

Lockstep finds, per guest thread, where two schema-v1 event logs (canary: the
trusted engine; ours: the engine under development) first behave differently.

commands:
  diff        compare two logs; prints the reference tool's Markdown report
  report      render a saved session (.lockstep): reference or annotated Markdown, HTML, JSON
  serve       the workbench in a browser (http://127.0.0.1 only, token-protected)
  rules       print the reference's rules as a rules file, or check one
  generate    write a deterministic pair of demo/benchmark logs
  cache       where the decompressed copies of compressed logs are kept, their size; --clear

Run 'lockstep <command> --help' for a command's options.
`;

async function run(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'diff':
      return runDiff(rest);
    case 'generate':
      return runGenerate(rest);
    case 'serve':
      return runServe(rest);
    case 'report':
      return runReport(rest);
    case 'cache':
      return runCache(rest);
    case 'rules':
      return runRules(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      writeStdout(OVERVIEW);
      return cmd === undefined ? 2 : 0;
    default:
      writeStderr(`lockstep: unknown command '${cmd}'\n\n${OVERVIEW}`);
      return 2;
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (e) {
    if (e instanceof HelpRequested) {
      writeStdout(e.text);
      return 0;
    }
    if (e instanceof UsageError) {
      writeStderr(e.render());
      return e.exitStatus;
    }
    if (e instanceof NoTidMapping) {
      writeStderr(e.message + '\n');
      return e.exitStatus;
    }
    if (e instanceof DiffOptionError) for (const w of e.warningsBefore) writeStderr(w + '\n');
    if (e instanceof RulesError) {
      writeStderr(`error: ${e.message}\n`);
      return 1;
    }
    if (e instanceof LogInputError || e instanceof DiffOptionError || e instanceof NoSpaceError) {
      writeStderr(`error: ${e.message}\n`);
      return e.exitStatus;
    }
    if (e instanceof PyError) {
      writeStderr(`error: the reference fails on this input (${e.message})\n`);
      return 1;
    }
    if (e instanceof IngestCancelled) {
      writeStderr('cancelled\n');
      return 130;
    }
    const err = e as Error;
    writeStderr(`lockstep: internal error: ${err.message}${process.env.LOCKSTEP_DEBUG ? `\n${err.stack}` : ' (set LOCKSTEP_DEBUG=1 for details)'}\n`);
    return 70;
  }
}
