// No room to write, made real with a file-size limit (`ulimit -f`: SQLite and
// the file system meet a short write, then EFBIG, as on a disk that fills up;
// it needs no privilege, unlike a small tmpfs). What must hold: one line
// naming the file and what to do, never a stack trace; what a failed ingest
// wrote given back at once; a report file whole or not written at all; the
// workbench host still answering, and able to open logs once there is room.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePair } from '../../src/main/generator/generateLogs';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'bin/lockstep');
const dir = mkdtempSync(join(tmpdir(), 'diskfull-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A pair whose index is far over the limit (about 6 MB), and a pair with a long report (about 100 KB) and a small index.
const big = { canary: join(dir, 'big-c.jsonl'), ours: join(dir, 'big-o.jsonl') };
generatePair(big.canary, big.ours, { seed: 'diskfull', eventsPerThread: 8000, threads: 6, profile: 'realistic', divergences: 2 });
const wide = { canary: join(dir, 'wide-c.jsonl'), ours: join(dir, 'wide-o.jsonl') };
generatePair(wide.canary, wide.ours, { seed: 'diskfull-wide', eventsPerThread: 300, threads: 64, profile: 'realistic', divergences: 64 });
const small = { canary: join(dir, 'small-c.jsonl'), ours: join(dir, 'small-o.jsonl') };
generatePair(small.canary, small.ours, { seed: 'diskfull-small', eventsPerThread: 200, threads: 2, profile: 'realistic', divergences: 1 });

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The CLI under a file-size limit of `kb` KiB. */
function limited(kb: number, args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('bash', ['-c', `ulimit -f ${kb}; exec ${quote(process.execPath)} ${quote(CLI)} ${args.map(quote).join(' ')}`], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
}

function filesSize(d: string, prefix: string): number {
  return readdirSync(d)
    .filter((f) => f.startsWith(prefix))
    .reduce((n, f) => n + statSync(join(d, f)).size, 0);
}

const oneLine = (stderr: string): string => {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines, stderr).toHaveLength(1);
  return lines[0]!;
};

describe('the command line with no room to write', () => {
  it('a kept index: exit 74, one line naming it, what the run wrote given back; the next run, with room, is right', () => {
    const db = join(dir, 'kept', 'index.sqlite');
    mkdirSync(join(dir, 'kept'));
    const r = limited(2048, ['diff', '--canary', big.canary, '--ours', big.ours, '--db', db, '--quiet']);
    expect(r.status, r.stderr).toBe(74);
    expect(r.stdout).toBe('');
    expect(oneLine(r.stderr)).toMatch(
      new RegExp(
        `^error: cannot write the index ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the disk is full or a file-size limit is reached; .*(--db PATH)`,
      ),
    );
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(filesSize(join(dir, 'kept'), 'index.sqlite')).toBeLessThan(256 * 1024);
    const fresh = cli(['diff', '--canary', big.canary, '--ours', big.ours, '--quiet']);
    const again = cli(['diff', '--canary', big.canary, '--ours', big.ours, '--db', db, '--quiet']);
    expect(again.status, again.stderr).toBe(fresh.status);
    expect(again.stdout).toBe(fresh.stdout);
  });

  it('the temporary index: exit 74, one line, nothing left in TMPDIR', () => {
    const tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const r = limited(2048, ['diff', '--canary', big.canary, '--ours', big.ours, '--quiet'], { TMPDIR: tmp });
    expect(r.status, r.stderr).toBe(74);
    expect(oneLine(r.stderr)).toMatch(
      /^error: cannot write the temporary index .*: the disk is full or a file-size limit is reached; it was removed — .*--db PATH/,
    );
    expect(readdirSync(tmp)).toEqual([]);
  });

  it.each([['reference-md'], ['json']])('--out (%s) that does not fit: the old file as it was, nothing beside it', (format) => {
    const out = join(dir, `out-${format}`);
    mkdirSync(out);
    const db = join(dir, `wide-${format}.sqlite`);
    // The index (and the alignments JSON keeps) made with room; the limit then only meets the report (its 32 KB shared-memory file fits).
    expect(cli(['diff', '--canary', wide.canary, '--ours', wide.ours, '--db', db, '--quiet', '--format', format]).status).toBe(0);
    const target = join(out, 'report.txt');
    writeFileSync(target, 'the report of yesterday\n');
    const r = limited(64, ['diff', '--canary', wide.canary, '--ours', wide.ours, '--db', db, '--quiet', '--format', format, '--out', target]);
    expect(r.status, r.stderr).toBe(74);
    expect(oneLine(r.stderr)).toBe(`error: cannot write the report to ${target}: the file size limit is reached; nothing was written`);
    expect(readFileSync(target, 'utf8')).toBe('the report of yesterday\n');
    expect(readdirSync(out)).toEqual(['report.txt']);
  });
});

describe('the workbench host with no room to write', () => {
  let host: ChildProcess | null = null;
  afterAll(() => void host?.kill('SIGTERM'));

  it('an open that does not fit: a one-line disk-full error, its pages given back, the host answering and opening logs that fit', async () => {
    const data = join(dir, 'serve-data');
    host = spawn('bash', ['-c', `ulimit -f 2048; exec ${quote(process.execPath)} ${quote(CLI)} serve --port 0 --data-dir ${quote(data)}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    host.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const url = new URL(
      await new Promise<string>((done, fail) => {
        let out = '';
        host!.stdout!.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /Lockstep workbench: (\S+)/.exec(out);
          if (m) done(m[1]!);
        });
        host!.once('exit', (c) => fail(new Error(`serve exited ${c}: ${stderr}`)));
      }),
    );
    const call = async (name: string, arg: unknown): Promise<{ ok: boolean; error?: { code: string; message: string } }> => {
      const r = await fetch(new URL(`api/${name}`, url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ arg }) });
      expect(r.status).toBe(200);
      return (await r.json()) as { ok: boolean; error?: { code: string; message: string } };
    };
    const r = await call('session/open', { jobId: 'big', canaryPath: big.canary, oursPath: big.ours });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('disk-full');
    expect(r.error?.message).toMatch(
      new RegExp(`^cannot write in ${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the disk is full or a file-size limit is reached; .*free some space`),
    );
    expect(filesSize(data, 'index.sqlite')).toBeLessThan(256 * 1024);
    expect(host.exitCode).toBeNull();
    expect((await call('app/info', {})).ok).toBe(true);
    const fits = await call('session/open', { jobId: 'small', canaryPath: small.canary, oursPath: small.ours });
    expect(fits.ok, JSON.stringify(fits.error)).toBe(true);
    expect(stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
