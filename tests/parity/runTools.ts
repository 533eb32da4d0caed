// Runs the reference tool and `bin/lockstep diff` on one case directory and
// compares what a script calling them would see. Bytes that are not UTF-8
// (in arguments, output and file names) are held as Python holds them: lone
// surrogates U+DC80..U+DCFF (py/codecs.ts), so that equal strings are equal
// bytes and golden files stay JSON.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeSurrogateEscape, encodeUtf8 } from '../../src/main/py/codecs';
import { hasLoneSurrogate } from '../../src/main/py/value';

export const ROOT = resolve(__dirname, '../..');
export const LOCKSTEP = process.env.LOCKSTEP_BIN ?? join(ROOT, 'bin/lockstep');
export const REFERENCE = process.env.LOCKSTEP_REFERENCE ?? resolve(ROOT, '../shared/reference/diff_events.py');

export interface ToolRun {
  status: number;
  stdout: string;
  stderr: string;
  /** The --out file's content, when the case asks for one. */
  outFile: string | null;
  /** With `isolate`: every file the run created or changed in its directory (name: content, or '<dir>'). */
  files?: Record<string, string>;
}

export interface RunOptions {
  /** Environment changes for the tool (null: unset), on top of the suite's. */
  env?: Record<string, string | null>;
  /** Record what the run wrote into the directory, then put the directory back as it was (the next tool finds it untouched). */
  isolate?: boolean;
  /** The reference's script to run (a copy of it patched in its rule constants); default: the reference. */
  script?: string;
}

export function referenceAvailable(): boolean {
  return existsSync(REFERENCE);
}

// Node passes arguments as UTF-8: arguments with bytes that are not are handed over by python3's os.execv.
const EXEC_BYTES = 'import os, sys; a = [bytes.fromhex(x) for x in sys.argv[1:]]; os.execvp(a[0], a)';
const hexArg = (s: string): string => encodeUtf8(s, 'surrogateescape').toString('hex');

function run(
  cmd: string,
  args: string[],
  cwd: string,
  envChanges: Record<string, string | null> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONIOENCODING: 'utf-8' };
  for (const [k, v] of Object.entries(envChanges)) {
    if (v === null) delete env[k];
    else env[k] = v;
  }
  if (args.some(hasLoneSurrogate)) {
    args = ['-c', EXEC_BYTES, ...[cmd, ...args].map(hexArg)];
    cmd = 'python3';
  }
  return new Promise((done, fail) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', fail);
    p.on('close', (code, signal) =>
      done({
        status: code ?? (signal ? 128 : -1),
        stdout: decodeSurrogateEscape(Buffer.concat(out)),
        stderr: decodeSurrogateEscape(Buffer.concat(err)),
      }),
    );
  });
}

function outPathOf(args: string[]): string | null {
  const i = args.indexOf('--out');
  return i === -1 ? null : args[i + 1]!;
}

/** A path of the case directory as the file system takes it (names with bytes that are not UTF-8 as Buffers). */
export function casePath(dir: string, name: string): string | Buffer {
  const p = join(dir, name);
  return hasLoneSurrogate(p) ? encodeUtf8(p, 'surrogateescape') : p;
}

function readOut(dir: string, args: string[]): string | null {
  const p = outPathOf(args);
  if (p === null) return null;
  const at = casePath(dir, p);
  return existsSync(at) && statSync(at).isFile() ? decodeSurrogateEscape(readFileSync(at)) : null;
}

type Snapshot = Map<string, Buffer | 'dir'>;

/** Every file and directory under `dir`, by name relative to it (decoded as Python decodes file names). */
function snapshot(dir: string, rel = ''): Snapshot {
  const out: Snapshot = new Map();
  for (const raw of readdirSync(casePath(dir, rel), { encoding: 'buffer' })) {
    const name = (rel ? rel + '/' : '') + decodeSurrogateEscape(raw);
    const at = casePath(dir, name);
    if (statSync(at).isDirectory()) {
      out.set(name, 'dir');
      for (const [k, v] of snapshot(dir, name)) out.set(k, v);
    } else out.set(name, readFileSync(at));
  }
  return out;
}

/** What changed from `before` to now (as text); then `dir` is put back as it was. */
function changesAndRestore(dir: string, before: Snapshot): Record<string, string> {
  const after = snapshot(dir);
  const changed: Record<string, string> = {};
  for (const [name, v] of [...after].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const old = before.get(name);
    if (old !== undefined && (old === 'dir' ? v === 'dir' : v !== 'dir' && old.equals(v))) continue;
    changed[name] = v === 'dir' ? '<dir>' : decodeSurrogateEscape(v);
  }
  for (const name of [...after.keys()].reverse()) if (!before.has(name)) rmSync(casePath(dir, name), { recursive: true, force: true });
  for (const [name, v] of before) if (v !== 'dir' && changed[name] !== undefined) writeFileSync(casePath(dir, name), v);
  return changed;
}

async function runTool(cmd: string, args: string[], dir: string, outArgs: string[], opts: RunOptions): Promise<ToolRun> {
  const before = opts.isolate ? snapshot(dir) : null;
  const r = await run(cmd, args, dir, opts.env);
  const outFile = readOut(dir, outArgs);
  return before ? { ...r, outFile, files: changesAndRestore(dir, before) } : { ...r, outFile };
}

export function runReference(dir: string, args: string[], opts: RunOptions = {}): Promise<ToolRun> {
  return runTool('python3', [opts.script ?? REFERENCE, ...args], dir, args, opts);
}

export function runLockstep(dir: string, args: string[], opts: RunOptions = {}): Promise<ToolRun> {
  return runTool(process.execPath, [LOCKSTEP, 'diff', ...args], dir, args, opts);
}

/** The reference died of an exception, or stopped with a message (SystemExit), rather than finishing. */
function referenceStopped(ref: ToolRun): boolean {
  return ref.status === 1 && !ref.stderr.startsWith('validate-identical:') && !/\nvalidate-identical:/.test(ref.stderr);
}

/** argparse's usage error: its message (the usage line above it names each tool's own options and program). */
function usageError(run: ToolRun): string | null {
  if (run.status !== 2 || !run.stderr.startsWith('usage: ')) return null;
  // The message may hold line ends of its own (an argument '-5\n'): everything after the program's name.
  const m = /\n(?:diff_events\.py|lockstep diff): error: ([\s\S]*)\n$/.exec(run.stderr);
  return m ? m[1]! : null;
}

/** argparse's help: it exits 0 with the usage first (each tool's own text). */
function help(run: ToolRun): boolean {
  return run.status === 0 && run.stdout.startsWith('usage: ') && run.stderr === '';
}

/**
 * What differs between the two runs, as a script would notice: exit status,
 * stdout bytes, the --out file (every file written, when isolated), stderr.
 * Where the reference stops on bad input, Lockstep must exit alike with one
 * line naming the file instead of the reference's message or traceback; a
 * usage error must say what argparse says; the help must be a help.
 */
export function differences(ref: ToolRun, ours: ToolRun): string[] {
  const d: string[] = [];
  if (ref.status !== ours.status) d.push(`exit status: reference ${ref.status}, lockstep ${ours.status}`);
  if (help(ref)) {
    if (!help(ours) || !ours.stdout.startsWith('usage: lockstep diff'))
      d.push(`the reference printed its help, lockstep: ${JSON.stringify(ours.stdout.slice(0, 200) + ours.stderr)}`);
    return d;
  }
  if (ref.stdout !== ours.stdout) d.push(`stdout differs (reference ${ref.stdout.length} chars, lockstep ${ours.stdout.length})`);
  if (ref.outFile !== ours.outFile) d.push('--out file differs');
  if (ref.files && ours.files && JSON.stringify(ref.files) !== JSON.stringify(ours.files)) {
    d.push(`files written differ: reference ${JSON.stringify(Object.keys(ref.files))}, lockstep ${JSON.stringify(Object.keys(ours.files))}`);
  }
  const usage = usageError(ref);
  if (usage !== null) {
    if (usageError(ours) !== usage) d.push(`usage error differs:\n--- reference\n${usage}\n--- lockstep\n${ours.stderr}`);
  } else if (referenceStopped(ref) && ref.status === ours.status) {
    const lines = ours.stderr.split('\n').filter((l) => l !== '');
    const warns = ref.stderr.split('\n').filter((l) => l.startsWith('warn: '));
    const own = lines.filter((l) => !l.startsWith('warn: '));
    if (own.length !== 1) d.push(`stderr should be one line, got: ${JSON.stringify(ours.stderr)}`);
    else if (!/^error: \S/.test(own[0]!)) d.push(`stderr should start with "error: ": ${own[0]}`);
    if (/Traceback| {4}at /.test(ours.stderr)) d.push('stderr holds a stack trace');
    const named = /^([^:\s]+\.jsonl)/m.exec(
      ref.stderr
        .split('\n')
        .filter((l) => l && !l.startsWith('warn'))
        .pop() ?? '',
    );
    if (named && !ours.stderr.includes(named[1]!)) d.push(`stderr should name ${named[1]}: ${ours.stderr.trim()}`);
    if (warns.join('\n') !== lines.filter((l) => l.startsWith('warn: ')).join('\n')) d.push('warn: lines differ');
  } else if (ref.stderr !== ours.stderr) {
    d.push(`stderr differs:\n--- reference\n${ref.stderr}--- lockstep\n${ours.stderr}`);
  }
  return d;
}

/** Run `tasks` with at most `limit` at once. */
export async function pool<T, R>(items: T[], limit: number, task: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await task(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
