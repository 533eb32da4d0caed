// Triage across runs through the real command line: `lockstep generate`
// writes yesterday's run (engine bugs 1, 2, 3) and today's (bugs 2, 3, 4: one
// fixed, one new) on the same canary; `lockstep diff --baseline` with
// yesterday's JSON report, and with a curated list of patterns, marks each
// hunk new or known, counts the fixed entries, prints one line on stderr and,
// with --fail-on new, exits 1 only when something is new. What is expected
// comes from the logs themselves: a bug's hunks are the events of ours that
// carry its wrong status (each a return between two calls: a hunk of its own).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plannedBug, type Bug } from '../../src/main/generator/generateLogs';
import { fingerprintFile } from '../../src/main/ingest/fingerprint';
import { buildSessionFile, writeSessionFile } from '../../src/main/sessions/sessionFile';
import { LOCKSTEP } from '../parity/runTools';

const SEED = 'baseline-cli';
const THREADS = 6;
const dir = mkdtempSync(join(tmpdir(), 'baseline-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function lockstep(...args: string[]): Run {
  const r = spawnSync(process.execPath, [LOCKSTEP, ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface JsonHunk {
  op: string;
  oursLines: [number, number] | null;
  signature: { id: string; text: string };
  baseline?: 'new' | 'known';
  baselineNote?: string | null;
}
interface JsonReport {
  signatureScheme: number;
  baseline: {
    kind: string;
    new: number;
    known: number;
    fixed: { signature: string | null; pattern: string | null; text: string | null; note: string | null }[];
  } | null;
  pairs: { hunks: JsonHunk[] }[];
}

const bug = (id: number): Bug => plannedBug(SEED, id, THREADS);

/** The lines (1-based) of ours' events that carry a bug's wrong status. */
function bugLines(oursPath: string, b: Bug): Set<number> {
  const out = new Set<number>();
  readFileSync(oursPath, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (!text.trim()) return;
      const ev = JSON.parse(text) as { kind?: string; payload?: { name?: string; status?: string } };
      if (ev.kind === 'kernel.return' && ev.payload?.name === b.call && ev.payload.status === b.value) out.add(i + 1);
    });
  return out;
}

const hunksOf = (r: JsonReport): JsonHunk[] => r.pairs.flatMap((p) => p.hunks);

let today: Record<number, Set<number>>;

beforeAll(() => {
  for (const [run, bugs] of [
    ['run1', '1,2,3'],
    ['run2', '2,3,4'],
  ] as const) {
    const g = lockstep('generate', '--out-dir', run, '--events', '12000', '--threads', String(THREADS), '--divergences', '0', '--seed', SEED, '--bugs', bugs);
    expect(g.status, g.stderr).toBe(0);
  }
  // Both runs are of one canary: only ours changed.
  expect(readFileSync(join(dir, 'run1/canary.jsonl'))).toEqual(readFileSync(join(dir, 'run2/canary.jsonl')));
  const y = lockstep('diff', '--canary', 'run1/canary.jsonl', '--ours', 'run1/ours.jsonl', '--format', 'json', '--out', 'yesterday.json', '--quiet');
  expect(y.status, y.stderr).toBe(0);
  today = Object.fromEntries([2, 3, 4].map((id) => [id, bugLines(join(dir, 'run2/ours.jsonl'), bug(id))]));
  for (const id of [2, 3, 4]) expect(today[id]!.size, `bug ${id} shows`).toBeGreaterThan(0);
});

const todayArgs = ['diff', '--canary', 'run2/canary.jsonl', '--ours', 'run2/ours.jsonl', '--quiet'];

describe('lockstep diff --baseline with the JSON report of an earlier run', () => {
  it('marks each hunk new or known, lists the fixed signature, and prints the counts on one line', () => {
    const r = lockstep(...todayArgs, '--format', 'json', '--baseline', 'yesterday.json');
    expect(r.status, r.stderr).toBe(0);
    const nNew = today[4]!.size;
    const nKnown = today[2]!.size + today[3]!.size;
    expect(r.stderr).toBe(`${nNew} new, ${nKnown} known, 1 fixed\n`);
    const report = JSON.parse(r.stdout) as JsonReport;
    const hunks = hunksOf(report);
    expect(hunks).toHaveLength(nNew + nKnown);
    for (const h of hunks) {
      // Each hunk is one event of ours: new exactly when it carries bug 4's status.
      expect(h.op).toBe('replace');
      const line = h.oursLines![0];
      expect(h.baseline, `the hunk at ours line ${line}`).toBe(today[4]!.has(line) ? 'new' : 'known');
    }
    expect(report.baseline).toMatchObject({ kind: 'report', new: nNew, known: nKnown });
    // The fixed entry is bug 1: its call and its wrong status, by the signature yesterday's report gave it.
    expect(report.baseline!.fixed).toHaveLength(1);
    expect(report.baseline!.fixed[0]!.text).toContain(`kernel.return ${bug(1).call}`);
    expect(report.baseline!.fixed[0]!.text).toContain(`'${bug(1).value}'`);
  });

  it('--fail-on new exits 1 when a hunk is new, 0 when none is; the report is written either way', () => {
    const gate = lockstep(...todayArgs, '--baseline', 'yesterday.json', '--fail-on', 'new', '--format', 'json', '--out', 'gate.json');
    expect(gate.status).toBe(1);
    expect(gate.stderr).toBe(`diff report written to gate.json\n${today[4]!.size} new, ${today[2]!.size + today[3]!.size} known, 1 fixed\n`);
    expect(hunksOf(JSON.parse(readFileSync(join(dir, 'gate.json'), 'utf8')) as JsonReport).length).toBeGreaterThan(0);
    // Today against today: nothing new, nothing fixed.
    expect(lockstep(...todayArgs, '--format', 'json', '--out', 'today.json').status).toBe(0);
    const same = lockstep(...todayArgs, '--baseline', 'today.json', '--fail-on', 'new');
    expect(same.status, same.stderr).toBe(0);
    expect(same.stderr).toBe(`0 new, ${today[2]!.size + today[3]!.size + today[4]!.size} known, 0 fixed\n`);
    // Without --fail-on the baseline only informs.
    expect(lockstep(...todayArgs, '--baseline', 'yesterday.json').status).toBe(0);
  });

  it("keeps the reference's report byte for byte: the marks are only in Lockstep's JSON", () => {
    const plain = lockstep(...todayArgs);
    const withBaseline = lockstep(...todayArgs, '--baseline', 'yesterday.json');
    expect(plain.status).toBe(0);
    expect(withBaseline.stdout).toBe(plain.stdout);
  });

  it('--fail-on new and --validate-identical: either gate fails the run', () => {
    const both = lockstep(...todayArgs, '--baseline', 'today.json', '--fail-on', 'new', '--validate-identical');
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(/^validate-identical: divergence in canary_tid=/);
    expect(both.stderr).toMatch(/\n0 new, \d+ known, 0 fixed\n$/);
  });
});

describe('a curated baseline', () => {
  it('honours signatures and patterns (* and ?), and counts the entries nothing matches as fixed', () => {
    const [b1, b2, b3] = [bug(1), bug(2), bug(3)];
    const b3Call = b3.call.slice(0, -1) + '?';
    writeFileSync(
      join(dir, 'known.jsonc'),
      `// Known divergences of the generated title (comments are allowed)
{
  "format": "lockstep-baseline",
  "version": 1,
  "signatureScheme": 1,
  "known": [
    { "pattern": "replace kernel.return ${b2.call}: payload.status * → '${b2.value}'", "note": "ours' ${b2.call} status: tracked upstream" },
    { "pattern": "replace kernel.return ${b3Call}: *", "note": "harmless: the title retries" },
    { "pattern": "replace kernel.return ${b1.call}: *", "note": "fixed since" },
    { "signature": "0123456789ab", "note": "an entry no hunk has" },
  ],
}
`,
    );
    const r = lockstep(...todayArgs, '--format', 'json', '--baseline', 'known.jsonc', '--fail-on', 'new');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${today[4]!.size} new, ${today[2]!.size + today[3]!.size} known, 2 fixed\n`);
    const report = JSON.parse(r.stdout) as JsonReport;
    for (const h of hunksOf(report)) {
      const line = h.oursLines![0];
      if (today[2]!.has(line)) expect(h).toMatchObject({ baseline: 'known', baselineNote: `ours' ${b2.call} status: tracked upstream` });
      else if (today[3]!.has(line)) expect(h).toMatchObject({ baseline: 'known', baselineNote: 'harmless: the title retries' });
      else expect(h).toMatchObject({ baseline: 'new', baselineNote: null });
    }
    expect(report.baseline!.fixed.map((f) => f.pattern ?? f.signature)).toEqual([`replace kernel.return ${b1.call}: *`, '0123456789ab']);
    // Knowing bug 4 too: nothing new, the gate passes.
    const id4 = hunksOf(report).find((h) => today[4]!.has(h.oursLines![0]))!.signature.id;
    const text = readFileSync(join(dir, 'known.jsonc'), 'utf8').replace('  ],', `    { "signature": "${id4}", "note": "accepted" },\n  ],`);
    writeFileSync(join(dir, 'known-all.jsonc'), text);
    const pass = lockstep(...todayArgs, '--baseline', 'known-all.jsonc', '--fail-on', 'new');
    expect(pass.status, pass.stderr).toBe(0);
    expect(pass.stderr).toBe(`0 new, ${today[2]!.size + today[3]!.size + today[4]!.size} known, 2 fixed\n`);
  });
});

describe('bad baselines and bad options keep the input errors’ statuses', () => {
  const bad: [string, string, RegExp][] = [
    ['not-json.json', '{\n  "format": "lockstep-baseline",\n  "version": 1\n  "known": []\n}\n', /^error: not-json\.json:4: not valid JSON: CommaExpected\n$/],
    [
      'no-note.json',
      '{"format": "lockstep-baseline", "version": 1, "signatureScheme": 1,\n "known": [\n  {"signature": "0123456789ab"}\n ]}\n',
      /^error: no-note\.json:3: an entry needs a "note"/,
    ],
    [
      'bad-id.json',
      '{"format": "lockstep-baseline", "version": 1, "signatureScheme": 1, "known": [\n{"signature": "xyz", "note": "n"}]}\n',
      /^error: bad-id\.json:2: "signature" must be a signature id of 12 hex digits/,
    ],
    [
      'both.json',
      '{"format": "lockstep-baseline", "version": 1, "signatureScheme": 1, "known": [\n\n{"signature": "0123456789ab", "pattern": "x", "note": "n"}]}\n',
      /^error: both\.json:3: an entry needs one of "signature"/,
    ],
    ['other.json', '[1, 2]\n', /^error: other\.json:1: not a baseline: a JSON object was expected\n$/],
    [
      'newer.json',
      '{"format": "lockstep-baseline",\n"version": 2, "known": []}\n',
      /^error: newer\.json:2: written by a newer Lockstep \(baseline version 2; this one reads 1\)\n$/,
    ],
    ['scheme.json', '{"format": "lockstep-baseline", "version": 1,\n\n"signatureScheme": 7, "known": []}\n', /^error: scheme\.json:3: signatures of scheme 7/],
    ['latin1.json', '{"format": "lockstep-baseline",\n"note": "caf\xe9"}\n', /^error: latin1\.json:2: not UTF-8 text\n$/],
  ];
  for (const [name, text, message] of bad) {
    it(`${name}: exit 1, one line naming the file and the line`, () => {
      writeFileSync(join(dir, name), name === 'latin1.json' ? Buffer.from(text, 'latin1') : text);
      const r = lockstep(...todayArgs, '--baseline', name, '--fail-on', 'new');
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stdout).toBe('');
    });
  }

  it('a report written before reports carried signatures is refused, saying what to do', () => {
    const old = JSON.parse(readFileSync(join(dir, 'yesterday.json'), 'utf8')) as Record<string, unknown>;
    delete old.signatureScheme;
    writeFileSync(join(dir, 'old-report.json'), JSON.stringify(old, null, 2));
    const r = lockstep(...todayArgs, '--baseline', 'old-report.json');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      'error: old-report.json:1: a JSON report written before reports carried signatures: write it again with lockstep diff --format json\n',
    );
  });

  it('a missing baseline is named before any log is read; a missing log keeps its status with a good baseline', () => {
    expect(lockstep(...todayArgs, '--baseline', 'nowhere.json')).toMatchObject({ status: 1, stderr: 'error: nowhere.json: no such file\n' });
    const r = lockstep('diff', '--canary', 'run2/missing.jsonl', '--ours', 'run2/ours.jsonl', '--quiet', '--baseline', 'yesterday.json', '--fail-on', 'new');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: run2\/missing\.jsonl/);
  });

  it('--fail-on without --baseline, or with another value, is a usage error (exit 2)', () => {
    expect(lockstep(...todayArgs, '--fail-on', 'new')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/error: argument --fail-on: needs --baseline FILE/),
    });
    expect(lockstep(...todayArgs, '--baseline', 'yesterday.json', '--fail-on', 'any')).toMatchObject({
      status: 2,
      stderr: expect.stringMatching(/error: argument --fail-on: invalid choice: 'any'/),
    });
  });
});

describe('lockstep report --session F --baseline FILE', () => {
  it('compares a saved session with a baseline, as diff does', () => {
    const logs = { canary: join(dir, 'run2/canary.jsonl'), ours: join(dir, 'run2/ours.jsonl') };
    const fp = (p: string): { path: string; fingerprint: string; size: number } => {
      const f = fingerprintFile(p);
      return { path: p, fingerprint: f.fingerprint, size: f.size };
    };
    writeSessionFile(
      join(dir, 'today.lockstep'),
      buildSessionFile({
        writtenBy: 'test',
        id: 'today',
        name: 'today',
        logs: { canary: fp(logs.canary), ours: fp(logs.ours) },
        canonicalize: true,
        rules: null,
        tidMap: null,
        tidMapReasons: null,
        place: null,
        bookmarks: [],
      }),
    );
    const r = lockstep('report', '--session', 'today.lockstep', '--format', 'json', '--baseline', 'yesterday.json', '--fail-on', 'new', '--quiet');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${today[4]!.size} new, ${today[2]!.size + today[3]!.size} known, 1 fixed\n`);
    expect(hunksOf(JSON.parse(r.stdout) as JsonReport).filter((h) => h.baseline === 'new')).toHaveLength(today[4]!.size);
  });
});
