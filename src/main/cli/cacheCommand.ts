// `lockstep cache`: where the decompressed copies of compressed logs live,
// how much they take, and clearing them — of the workbench's data directory
// (while no workbench holds it) or of a kept --db index.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { appVersion, defaultDataDir } from '../hosts/appPaths';
import { DataDirError, DataDirInUse, Workbench } from '../service/workbench';
import type { Db } from '../store/db';
import { openKeptIndex } from '../store/indexLocation';
import { clearReadBackCopies } from '../store/logWriter';
import { readBackCopyUsage } from '../store/readBackCopies';
import { parseArgs, type CommandSpec } from './args';
import { writeStderr, writeStdout } from './output';

export const CACHE_SPEC: CommandSpec = {
  prog: 'lockstep cache',
  summary:
    'Show where the decompressed copies of compressed logs (.jsonl.gz, .jsonl.zst) are kept and how\n' +
    'much they take; --clear removes them (a cleared log is decompressed and indexed again when next opened).',
  options: [
    { name: '--clear', help: 'remove the copies, and the indexes of their logs' },
    { name: '--data-dir', value: 'DIR', exclusive: 'where', help: "the workbench's data directory (default: $LOCKSTEP_DATA_DIR or ~/.local/share/lockstep)" },
    { name: '--db', value: 'PATH', exclusive: 'where', help: 'an index kept with lockstep diff --db PATH instead' },
  ],
};

function mib(bytes: number): string {
  return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
}

function describe(u: { dir: string; files: number; bytes: number }): string {
  return `${u.dir}: ${u.files} ${u.files === 1 ? 'copy' : 'copies'}, ${u.bytes} bytes (${mib(u.bytes)})\n`;
}

function report(db: Db, clear: boolean): void {
  if (clear) {
    // Nothing is open in this process; a workbench that could be reading them holds the data directory's lock.
    const r = clearReadBackCopies(db, new Set());
    writeStdout(`cleared ${r.logs} ${r.logs === 1 ? 'copy' : 'copies'} (${mib(r.bytes)} freed)\n`);
  }
  writeStdout(describe(readBackCopyUsage(db)));
}

export function runCache(argv: string[]): number {
  const args = parseArgs(CACHE_SPEC, argv);
  const clear = args.has('--clear');
  const dbArg = args.get('--db') as string | undefined;
  if (dbArg !== undefined) {
    const path = resolve(dbArg);
    if (!existsSync(path)) {
      writeStderr(`lockstep cache: ${path}: no such index\n`);
      return 1;
    }
    const { db } = openKeptIndex(path);
    try {
      report(db, clear);
    } finally {
      db.close();
    }
    return 0;
  }
  let workbench: Workbench;
  try {
    // The workbench's own way in: the data directory's lock, so that no running workbench loses a copy it reads.
    workbench = new Workbench({
      dataDir: (args.get('--data-dir') as string | undefined) ?? defaultDataDir(),
      host: 'browser',
      version: appVersion(),
      demo: null,
    });
  } catch (e) {
    if (!(e instanceof DataDirError) && !(e instanceof DataDirInUse)) throw e;
    writeStderr(`lockstep cache: ${e.message}${e instanceof DataDirInUse ? ' (clear the copies there, on the open view)' : ''}\n`);
    return 1;
  }
  try {
    report(workbench.db, clear);
  } finally {
    workbench.close();
  }
  return 0;
}
