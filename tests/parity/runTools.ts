// Runs the reference tool and `bin/lockstep diff` on one case directory and
// compares what a script calling them would see.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const LOCKSTEP = join(ROOT, 'bin/lockstep');
export const REFERENCE = process.env.LOCKSTEP_REFERENCE ?? resolve(ROOT, '../shared/reference/diff_events.py');

export interface ToolRun {
  status: number;
  stdout: string;
  stderr: string;
  /** The --out file's content, when the case asks for one. */
  outFile: string | null;
}

export function referenceAvailable(): boolean {
  return existsSync(REFERENCE);
}

function run(cmd: string, args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const p = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONIOENCODING: 'utf-8' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (b: Buffer) => out.push(b));
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', fail);
    p.on('close', (code, signal) =>
      done({
        status: code ?? (signal ? 128 : -1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

function outPathOf(args: string[]): string | null {
  const i = args.indexOf('--out');
  return i === -1 ? null : args[i + 1]!;
}

function readOut(dir: string, args: string[]): string | null {
  const p = outPathOf(args);
  return p !== null && existsSync(join(dir, p)) ? readFileSync(join(dir, p), 'utf8') : null;
}

/** The reference (or a copy of it: `script`) on a case directory. */
export async function runReference(dir: string, args: string[], script = REFERENCE): Promise<ToolRun> {
  const r = await run('python3', [script, ...args], dir);
  return { ...r, outFile: readOut(dir, args) };
}

export async function runLockstep(dir: string, args: string[]): Promise<ToolRun> {
  const r = await run(process.execPath, [LOCKSTEP, 'diff', ...args], dir);
  return { ...r, outFile: readOut(dir, args) };
}

/** The reference died of an exception, or stopped with a message (SystemExit), rather than finishing. */
function referenceStopped(ref: ToolRun): boolean {
  return ref.status === 1 && !ref.stderr.startsWith('validate-identical:') && !/\nvalidate-identical:/.test(ref.stderr);
}

/**
 * What differs between the two runs, as a script would notice: exit status,
 * stdout bytes, the --out file, stderr. Where the reference stops on bad
 * input, Lockstep must exit alike with one line naming the file instead of
 * the reference's message or traceback.
 */
export function differences(ref: ToolRun, ours: ToolRun): string[] {
  const d: string[] = [];
  if (ref.status !== ours.status) d.push(`exit status: reference ${ref.status}, lockstep ${ours.status}`);
  if (ref.stdout !== ours.stdout) d.push(`stdout differs (reference ${ref.stdout.length} chars, lockstep ${ours.stdout.length})`);
  if (ref.outFile !== ours.outFile) d.push('--out file differs');
  if (referenceStopped(ref) && ref.status === ours.status) {
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
