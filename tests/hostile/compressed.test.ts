// Compressed logs (gzip, zstd), made by the real tools. The reference cannot
// read them; the oracle is the reference run on the decompressed file, and
// Lockstep on the compressed one must match it byte for byte — reports, exit
// statuses, errors naming lines, cut logs and --accept-truncated. A compressed
// file cut short is a cut log; a damaged one is one line naming the file and
// the byte; pipes work, compressed or not; a log rewritten in place is noticed.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Events, RequestArg, RequestName, RequestResult, Result } from '../../src/shared/api';
import { generatePair } from '../../src/main/generator/generateLogs';
import { IndexedLog } from '../../src/main/diff/indexedLog';
import { ingestLog } from '../../src/main/ingest/ingestLog';
import { LogChangedError } from '../../src/main/ingest/logErrors';
import { openDb } from '../../src/main/store/db';
import { Workbench } from '../../src/main/service/workbench';
import { differences, LOCKSTEP, pool, referenceAvailable, runLockstep, runReference, type ToolRun } from '../parity/runTools';
import { hostileCases, writeCase } from './corpus';

const dir = mkdtempSync(join(tmpdir(), 'compressed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const noReference = !referenceAvailable();
const haveTools = spawnSync('zstd', ['--version']).status === 0 && spawnSync('gzip', ['--version']).status === 0;
if (!haveTools) console.warn('compressed.test.ts: gzip or zstd is not installed: the suites that need the real tools are skipped');

/** Compress with the real tool (`gzip -c`, `zstd -c`). */
function pack(tool: 'gzip' | 'zstd', data: Buffer, extra: string[] = []): Buffer {
  const r = spawnSync(tool, ['-c', '-q', ...extra], { input: data, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${tool} failed: ${r.stderr}`);
  return r.stdout;
}

/** The log in three pieces cut anywhere (inside lines too), each compressed on its own, one after another: gzip members, zstd frames (a skippable frame first). */
function packPieces(tool: 'gzip' | 'zstd', data: Buffer): Buffer {
  const cuts = [0, Math.floor(data.length / 3), Math.floor((2 * data.length) / 3) + 1, data.length];
  const parts = cuts.slice(1).map((end, i) => pack(tool, data.subarray(cuts[i], end)));
  if (tool === 'zstd') {
    // A skippable frame (as pzstd writes one first): magic 0x184D2A50, a 4-byte size, that many bytes.
    const skip = Buffer.alloc(8 + 5);
    skip.writeUInt32LE(0x184d2a50, 0);
    skip.writeUInt32LE(5, 4);
    parts.unshift(skip);
  }
  return Buffer.concat(parts);
}

/** Decompress with the real tool, keeping what it gives before it fails (a cut file): what `zcat cut.gz > f` leaves. */
function unpack(tool: 'gzip' | 'zstd', file: string): { data: Buffer; status: number | null } {
  const r = spawnSync(tool, ['-d', '-c', '-q', file], { maxBuffer: 1 << 30 });
  return { data: r.stdout, status: r.status };
}

async function req<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<Result<RequestResult<K>>> {
  return (await w.handle(name, arg)) as Result<RequestResult<K>>;
}

const gen = join(dir, 'gen');
mkdirSync(gen);
generatePair(join(gen, 'canary.jsonl'), join(gen, 'ours.jsonl'), {
  seed: 'compressed',
  eventsPerThread: 1500,
  threads: 3,
  profile: 'realistic',
  divergences: 2,
});
const canaryText = readFileSync(join(gen, 'canary.jsonl'));
const oursText = readFileSync(join(gen, 'ours.jsonl'));

describe.skipIf(!haveTools)('compressed logs against the reference on the decompressed files', () => {
  const encodings = {
    gzip: (d: Buffer) => pack('gzip', d),
    zstd: (d: Buffer) => pack('zstd', d),
    'gzip members': (d: Buffer) => packPieces('gzip', d),
    'zstd frames': (d: Buffer) => packPieces('zstd', d),
  };

  it.skipIf(noReference)(
    'gzip, zstd, several members, several frames: the same report, --out file and exit status',
    async () => {
      const expected = await runReference(gen, ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl', '--out', 'ref.md']);
      expect(expected.status).toBe(0);
      for (const [name, encode] of Object.entries(encodings)) {
        const d = join(dir, `enc-${name.replace(' ', '-')}`);
        mkdirSync(d);
        writeFileSync(join(d, 'canary.jsonl.x'), encode(canaryText));
        writeFileSync(join(d, 'ours.jsonl.x'), encode(oursText));
        writeFileSync(join(d, 'plain-canary.jsonl'), canaryText);
        writeFileSync(join(d, 'plain-ours.jsonl'), oursText);
        const ours = await runLockstep(d, ['--canary', 'canary.jsonl.x', '--ours', 'ours.jsonl.x', '--out', 'ref.md', '--quiet']);
        expect(differences(expected, ours), name).toEqual([]);
        // Lockstep's own report too: every pair's alignment as on the plain logs.
        const json = await runLockstep(d, ['--canary', 'canary.jsonl.x', '--ours', 'ours.jsonl.x', '--format', 'json', '--quiet']);
        const plain = await runLockstep(d, ['--canary', 'plain-canary.jsonl', '--ours', 'plain-ours.jsonl', '--format', 'json', '--quiet']);
        expect(json.status, json.stderr).toBe(0);
        expect(JSON.parse(json.stdout).pairs, name).toEqual(JSON.parse(plain.stdout).pairs);
      }
    },
    120_000,
  );

  it.skipIf(noReference)(
    'the hostile corpus, compressed: same bytes where the reference accepts, same exit and one line naming the file where it stops',
    async () => {
      const cases = hostileCases().filter((c) => !c.special);
      const results = await pool(
        cases.map((c, i) => ({ c, i })),
        3,
        async ({ c, i }) => {
          const d = join(dir, `hostile-${c.name}`);
          const args = writeCase(c, d);
          const ref = await runReference(d, args);
          // Canary in gzip members and ours in zstd frames (every other case the other way round), each cut anywhere.
          const [cTool, oTool] = i % 2 === 0 ? (['gzip', 'zstd'] as const) : (['zstd', 'gzip'] as const);
          const z = join(d, 'packed');
          mkdirSync(z);
          writeFileSync(join(z, 'canary.jsonl'), packPieces(cTool, readFileSync(join(d, 'canary.jsonl'))));
          writeFileSync(join(z, 'ours.jsonl'), packPieces(oTool, readFileSync(join(d, 'ours.jsonl'))));
          const ours = await runLockstep(z, [...args, '--quiet']);
          const diff = differences(ref, ours);
          return diff.length ? `${c.name} (${c.about}), canary ${cTool}, ours ${oTool}: ${diff.join('; ')}` : null;
        },
      );
      expect(results.filter((x) => x !== null)).toEqual([]);
    },
    600_000,
  );
});

describe.skipIf(!haveTools)('a compressed file cut short is a cut log', () => {
  for (const tool of ['gzip', 'zstd'] as const) {
    it.skipIf(noReference)(
      `${tool}: refused as the reference refuses what is left of it, said in one line; --accept-truncated compares the lines before`,
      async () => {
        const d = join(dir, `cut-${tool}`);
        mkdirSync(d);
        copyFileSync(join(gen, 'canary.jsonl'), join(d, 'canary.jsonl'));
        const whole = pack(tool, oursText);
        const at = Math.floor(whole.length * 0.6);
        writeFileSync(join(d, `ours.jsonl.${tool}`), whole.subarray(0, at));
        // What the real tool makes of it: the lines it could decompress, the last one cut, and a failure.
        const left = unpack(tool, join(d, `ours.jsonl.${tool}`));
        expect(left.status).not.toBe(0);
        writeFileSync(join(d, 'left.jsonl'), left.data);
        const lines = left.data.toString('utf8').split('\n');
        const cutLine = lines.length; // the line the data ends in (1-based)
        expect(lines.at(-1)).not.toBe(''); // cut inside a line (60% of a compressed stream is never a line end here)
        writeFileSync(join(d, 'complete.jsonl'), lines.slice(0, -1).join('\n') + '\n');

        const ref = await runReference(d, ['--canary', 'canary.jsonl', '--ours', 'left.jsonl']);
        const ours = await runLockstep(d, ['--canary', 'canary.jsonl', '--ours', `ours.jsonl.${tool}`, '--quiet']);
        expect(ref.status).toBe(1);
        expect(ours.status).toBe(1);
        expect(ours.stdout).toBe(ref.stdout);
        expect(ours.stderr).toBe(
          `error: ours.jsonl.${tool}:${cutLine}: the file is cut short: its ${tool} data ends early, at byte ${at} (a run that crashed, or a copy not finished?), inside this line: accept a cut log to use the lines before it\n`,
        );

        const expected = await runReference(d, ['--canary', 'canary.jsonl', '--ours', 'complete.jsonl']);
        expect(expected.status).toBe(0);
        const accepted = await runLockstep(d, ['--canary', 'canary.jsonl', '--ours', `ours.jsonl.${tool}`, '--quiet', '--accept-truncated']);
        expect(accepted.status, accepted.stderr).toBe(0);
        const notice = `The ours log ours.jsonl.${tool} was cut at line ${cutLine} (a line cut short, left out): compared up to line ${cutLine - 1}.`;
        expect(accepted.stdout).toBe(`> **Cut log.** ${notice}\n\n${expected.stdout}`);
        expect(accepted.stderr).toBe(`warn: ${notice}\n`);
      },
    );
  }

  it('cut at the end of a line: still a cut log, after that line', async () => {
    const d = join(dir, 'cut-at-line');
    mkdirSync(d);
    copyFileSync(join(gen, 'canary.jsonl'), join(d, 'canary.jsonl'));
    // gzip of the whole log, without its 8-byte trailer (CRC and size): every line decompresses, the stream does not end.
    const whole = pack('gzip', oursText);
    writeFileSync(join(d, 'ours.jsonl.gz'), whole.subarray(0, whole.length - 8));
    const lineCount = oursText.toString('utf8').split('\n').length - 1;
    const ours = await runLockstep(d, ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl.gz', '--quiet']);
    expect(ours.status).toBe(1);
    expect(ours.stderr).toBe(
      `error: ours.jsonl.gz:${lineCount + 1}: the file is cut short: its gzip data ends early, at byte ${whole.length - 8} (a run that crashed, or a copy not finished?), where this line would begin: accept a cut log to use the lines before it\n`,
    );
    const accepted = await runLockstep(d, ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl.gz', '--quiet', '--accept-truncated']);
    expect(accepted.status, accepted.stderr).toBe(0);
    expect(accepted.stderr).toBe(
      `warn: The ours log ours.jsonl.gz was cut at line ${lineCount + 1} (a line cut short, left out): compared up to line ${lineCount}.\n`,
    );
    const plain = await runLockstep(gen, ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl', '--quiet']);
    expect(accepted.stdout.endsWith(plain.stdout)).toBe(true);
  });
});

describe.skipIf(!haveTools)('a damaged compressed file', () => {
  function damagedRun(tool: 'gzip' | 'zstd', name: string, data: Buffer): Promise<ToolRun> {
    const d = join(dir, `damaged-${tool}-${name}`);
    mkdirSync(d);
    copyFileSync(join(gen, 'canary.jsonl'), join(d, 'canary.jsonl'));
    writeFileSync(join(d, `ours.jsonl.${tool}`), data);
    return runLockstep(d, ['--canary', 'canary.jsonl', '--ours', `ours.jsonl.${tool}`, '--quiet']);
  }

  it('is one line naming the file and the byte, wherever the damage is (the real tool fails on each too)', async () => {
    for (const tool of ['gzip', 'zstd'] as const) {
      const whole = pack(tool, oursText);
      for (const where of [0.1, 0.5, 0.99]) {
        const bad = Buffer.from(whole);
        const at = Math.floor(whole.length * where);
        bad[at] = bad[at]! ^ 0x5a;
        const file = join(dir, `check-${tool}-${where}`);
        writeFileSync(file, bad);
        expect(spawnSync(tool, ['-t', '-q', file]).status, `${tool} -t`).not.toBe(0);
        const r = await damagedRun(tool, String(where), bad);
        expect(r.status).toBe(1);
        expect(r.stdout).toBe('');
        const m = new RegExp(
          `^error: ours\\.jsonl\\.${tool}: the ${tool} data is damaged \\(.+\\) (at|in the block at|noticed at) byte (\\d+) of the file\\n$`,
        ).exec(r.stderr);
        expect(m, r.stderr).not.toBeNull();
        // Found at or after the damaged byte (a block holding it, a checksum after it), within the file.
        const found = Number(m![2]);
        if (m![1] !== 'in the block at') expect(found).toBeGreaterThanOrEqual(at);
        expect(found).toBeLessThanOrEqual(whole.length);
      }
    }
  });

  it('explains the bad lines it made: damage found only by the checksum, after a line it spoilt', async () => {
    // Stored (level 0) deflate: a damaged byte comes out as it is, in a line, and only the CRC at the end says so.
    const whole = gzipSync(oursText, { level: 0 });
    const bad = Buffer.from(whole);
    const at = bad.indexOf('"kind"', 5000);
    bad[at + 1] = 0x22; // "kind" -> ""ind": invalid JSON in that line
    const r = await damagedRun('gzip', 'stored', bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: ours\.jsonl\.gzip: the gzip data is damaged \(incorrect data check\) noticed at byte \d+ of the file\n$/);
  });

  it('neither gzip nor zstd, whatever its name: read as the reference reads it', async () => {
    const d = join(dir, 'named-gz');
    mkdirSync(d);
    copyFileSync(join(gen, 'canary.jsonl'), join(d, 'canary.jsonl.gz'));
    copyFileSync(join(gen, 'ours.jsonl'), join(d, 'ours.jsonl.zst'));
    const ours = await runLockstep(d, ['--canary', 'canary.jsonl.gz', '--ours', 'ours.jsonl.zst', '--quiet']);
    const plain = await runLockstep(gen, ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl', '--quiet']);
    expect(ours.status, ours.stderr).toBe(0);
    expect(ours.stdout).toBe(plain.stdout);
  });
});

describe.skipIf(!haveTools)('pipes', () => {
  it('<(zcat a.gz), <(cat a.gz) and <(cat a.zst) give what the files give', () => {
    writeFileSync(join(gen, 'canary.jsonl.gz'), pack('gzip', canaryText));
    writeFileSync(join(gen, 'ours.jsonl.zst'), pack('zstd', oursText));
    const run = (canary: string, ours: string): { status: number | null; stdout: string; stderr: string } =>
      spawnSync('bash', ['-c', `"${process.execPath}" "${LOCKSTEP}" diff --canary ${canary} --ours ${ours} --quiet`], { cwd: gen, encoding: 'utf8' });
    const files = run('canary.jsonl', 'ours.jsonl');
    expect(files.status, files.stderr).toBe(0);
    for (const [c, o] of [
      ['<(zcat canary.jsonl.gz)', '<(zstd -dc ours.jsonl.zst)'],
      ['<(cat canary.jsonl.gz)', '<(cat ours.jsonl.zst)'],
      ['canary.jsonl.gz', '<(cat ours.jsonl.zst)'],
    ]) {
      const piped = run(c!, o!);
      expect(piped.status, `${c} ${o}: ${piped.stderr}`).toBe(0);
      expect(piped.stdout).toBe(files.stdout);
    }
  });
});

describe.skipIf(!haveTools)('the workbench on compressed logs', () => {
  it('reads events back from a decompressed copy beside the index, reuses it, and notices a log rewritten in place', async () => {
    const d = join(dir, 'workbench');
    mkdirSync(d);
    const canary = join(d, 'canary.jsonl.gz');
    const ours = join(d, 'ours.jsonl.gz');
    writeFileSync(canary, pack('gzip', canaryText));
    // Stored deflate: a rewrite of the same length keeps the file's size, as an engine rewriting its log in place might.
    writeFileSync(ours, gzipSync(oursText, { level: 0 }));
    const data = join(d, 'data');
    let w = new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
    try {
      const s = await req(w, 'session/open', { jobId: 'a', canaryPath: canary, oursPath: ours });
      if (!s.ok) throw new Error(s.error.message);
      const copies = join(data, 'index.sqlite-decompressed');
      const sizes = readdirSync(copies)
        .map((f) => statSync(join(copies, f)).size)
        .sort((a, b) => a - b);
      expect(sizes).toEqual([canaryText.length, oursText.length].sort((a, b) => a - b));
      const p = s.value.pairs[0]!;
      const rows = await req(w, 'diff/rows', { sessionId: s.value.id, pairKey: p.key, view: 'positional', from: 0, count: 50 });
      if (!rows.ok) throw new Error(rows.error.message);
      expect(rows.value.rows.length).toBe(50);
      w.close();

      // Opened again: nothing read (the index and the copy are reused).
      w = new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
      const phases = new Set<string>();
      w.onEvent((e, x) => {
        if (e === 'ingest/progress') phases.add((x as Events['ingest/progress']).phase);
      });
      const again = await req(w, 'session/open', { jobId: 'b', canaryPath: canary, oursPath: ours });
      if (!again.ok) throw new Error(again.error.message);
      expect([...phases].sort()).toEqual(['comparing', 'reused']);

      // Rewritten in place, same size, its mtime put back.
      const before = statSync(ours, { bigint: true });
      const changed = oursText.toString('utf8').replaceAll('"result": 0', '"result": 1');
      expect(changed).not.toBe(oursText.toString('utf8'));
      writeFileSync(ours, gzipSync(Buffer.from(changed), { level: 0 }));
      expect(statSync(ours).size).toBe(Number(before.size));
      const ns = before.mtimeNs;
      expect(spawnSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, ours]).status).toBe(0);
      w.close();
      w = new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
      // The sampled fingerprint of the compressed bytes says it changed: indexed again, and what is shown is what it holds now.
      const third = await req(w, 'session/open', { jobId: 'c', canaryPath: canary, oursPath: ours });
      if (!third.ok) throw new Error(third.error.message);
      const now = await req(w, 'diff/rows', { sessionId: third.value.id, pairKey: p.key, view: 'positional', from: 0, count: 400 });
      if (!now.ok) throw new Error(now.error.message);
      const text = now.value.rows.map((r) => r.ours?.summary ?? '').join('\n');
      expect(text).not.toContain("'result': 0");
    } finally {
      w.close();
    }
  });

  it('a reader opened after a rewrite that kept size and mtime refuses the copy of what the log was', () => {
    const d = join(dir, 'reader');
    mkdirSync(d);
    const ours = join(d, 'ours.jsonl.gz');
    writeFileSync(ours, gzipSync(oursText, { level: 0 }));
    const db = openDb(join(d, 'index.sqlite'));
    try {
      const { log } = ingestLog(db, ours, ours);
      const before = statSync(ours, { bigint: true });
      writeFileSync(ours, gzipSync(Buffer.from(oursText.toString('utf8').replaceAll('"result": 0', '"result": 1')), { level: 0 }));
      const ns = before.mtimeNs;
      expect(spawnSync('touch', ['-m', '-d', `@${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`, ours]).status).toBe(0);
      expect(statSync(ours).size).toBe(Number(before.size));
      // The copy still holds what was indexed, keys and all: only the log's own bytes can tell.
      const reader = new IndexedLog(db, log, ours);
      expect(() => reader.event(reader.threads[0]!.threadNo, 0, true)).toThrow(LogChangedError);
      expect(() => reader.event(reader.threads[0]!.threadNo, 0, true)).toThrow(
        /the log changed since it was indexed \(its compressed bytes are not the ones indexed\)/,
      );
      reader.close();
    } finally {
      db.close();
    }
  });

  it("a session of compressed logs saved as a .lockstep file: lockstep report gives the plain pair's report, and the file reopens", async () => {
    const d = join(dir, 'session-file');
    mkdirSync(d);
    const canary = join(d, 'canary.jsonl.gz');
    const ours = join(d, 'ours.jsonl.zst');
    writeFileSync(canary, pack('gzip', canaryText));
    writeFileSync(ours, pack('zstd', oursText));
    const file = join(d, 'triage.lockstep');
    const w = new Workbench({ dataDir: join(d, 'data'), host: 'browser', version: 'test', demo: null });
    try {
      const s = await req(w, 'session/open', { jobId: 'a', canaryPath: canary, oursPath: ours });
      if (!s.ok) throw new Error(s.error.message);
      expect((await req(w, 'session/save-as', { sessionId: s.value.id, path: file })).ok).toBe(true);
    } finally {
      w.close();
    }
    const report = spawnSync(process.execPath, [LOCKSTEP, 'report', '--session', file], { encoding: 'utf8' });
    expect(report.status, report.stderr).toBe(0);
    const plain = await runLockstep(gen, ['--canary', 'canary.jsonl', '--ours', 'ours.jsonl', '--quiet']);
    expect(report.stdout).toBe(plain.stdout);
    // Another workbench (another machine's data directory) opens the file over the compressed logs.
    const other = new Workbench({ dataDir: join(d, 'other'), host: 'browser', version: 'test', demo: null });
    try {
      const opened = await req(other, 'session/open-file', { jobId: 'b', path: file });
      if (!opened.ok) throw new Error(opened.error.message);
      expect(opened.value.kind).toBe('opened');
      if (opened.value.kind === 'opened') expect(opened.value.session.pairs.length).toBeGreaterThan(0);
    } finally {
      other.close();
    }
  });

  it('a copy removed by hand: the log is indexed again on the next open, never read as if it were plain', async () => {
    const d = join(dir, 'removed-copy');
    mkdirSync(d);
    const canary = join(d, 'canary.jsonl.zst');
    const ours = join(d, 'ours.jsonl.zst');
    writeFileSync(canary, pack('zstd', canaryText));
    writeFileSync(ours, pack('zstd', oursText));
    const data = join(d, 'data');
    const w = new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
    try {
      const s = await req(w, 'session/open', { jobId: 'a', canaryPath: canary, oursPath: ours });
      if (!s.ok) throw new Error(s.error.message);
      rmSync(join(data, 'index.sqlite-decompressed'), { recursive: true });
      const again = await req(w, 'session/open', { jobId: 'b', canaryPath: canary, oursPath: ours });
      if (!again.ok) throw new Error(again.error.message);
      const rows = await req(w, 'diff/rows', { sessionId: again.value.id, pairKey: again.value.pairs[0]!.key, view: 'positional', from: 0, count: 50 });
      expect(rows.ok).toBe(true);
      expect(existsSync(join(data, 'index.sqlite-decompressed'))).toBe(true);
    } finally {
      w.close();
    }
  });

  it('the copies are shown and cleared (the open session keeps its own), in the workbench and by lockstep cache', async () => {
    const d = join(dir, 'clear');
    mkdirSync(d);
    const logs = { a: join(d, 'a.jsonl.gz'), b: join(d, 'b.jsonl.zst'), c: join(d, 'c.jsonl.gz'), e: join(d, 'e.jsonl.zst') };
    writeFileSync(logs.a, pack('gzip', canaryText));
    writeFileSync(logs.b, pack('zstd', oursText));
    writeFileSync(logs.c, pack('gzip', oursText.subarray(0, oursText.lastIndexOf('\n', 200_000) + 1)));
    writeFileSync(logs.e, pack('zstd', canaryText.subarray(0, canaryText.lastIndexOf('\n', 200_000) + 1)));
    const data = join(d, 'data');
    const w = new Workbench({ dataDir: data, host: 'browser', version: 'test', demo: null });
    try {
      const first = await req(w, 'session/open', { jobId: 'a', canaryPath: logs.a, oursPath: logs.b });
      if (!first.ok) throw new Error(first.error.message);
      expect((await req(w, 'session/close', { sessionId: first.value.id })).ok).toBe(true);
      const second = await req(w, 'session/open', { jobId: 'b', canaryPath: logs.e, oursPath: logs.c });
      if (!second.ok) throw new Error(second.error.message);
      const info = await req(w, 'app/info', {});
      if (!info.ok) throw new Error(info.error.message);
      const all = canaryText.length + oursText.length + statSize(logs.c) + statSize(logs.e);
      expect(info.value.copies).toEqual({ dir: join(data, 'index.sqlite-decompressed'), files: 4, bytes: all });
      const cleared = await req(w, 'cache/clear', {});
      if (!cleared.ok) throw new Error(cleared.error.message);
      expect(cleared.value).toMatchObject({ removed: 2, kept: 2, freedBytes: canaryText.length + oursText.length });
      expect(cleared.value.copies.files).toBe(2);
      // The open session reads on; the closed one's logs are indexed again when opened.
      expect((await req(w, 'diff/rows', { sessionId: second.value.id, pairKey: second.value.pairs[0]!.key, view: 'positional', from: 0, count: 20 })).ok).toBe(
        true,
      );
      const phases = new Set<string>();
      w.onEvent((e, x) => {
        if (e === 'ingest/progress') phases.add((x as Events['ingest/progress']).phase);
      });
      const again = await req(w, 'session/open', { jobId: 'c', canaryPath: logs.a, oursPath: logs.b });
      if (!again.ok) throw new Error(again.error.message);
      expect(phases.has('indexing')).toBe(true);
    } finally {
      w.close();
    }
    const cli = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
      spawnSync(process.execPath, [LOCKSTEP, 'cache', '--data-dir', data, ...args], { encoding: 'utf8' });
    const shown = cli();
    expect(shown.status, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^${join(data, 'index.sqlite-decompressed')}: 4 copies, \\d+ bytes \\(.+ MiB\\)\n$`));
    const gone = cli('--clear');
    expect(gone.status, gone.stderr).toBe(0);
    expect(gone.stdout).toMatch(/^cleared 4 copies \(.+ MiB freed\)\n.+: 0 copies, 0 bytes \(0\.0 MiB\)\n$/);
  });
});

function statSize(gz: string): number {
  return unpack(gz.endsWith('.gz') ? 'gzip' : 'zstd', gz).data.length;
}
