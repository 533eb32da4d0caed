// The rules on the command line, through the real CLI: the printed default is
// the reference (no rules line, the same bytes), flags and files make the
// same rules, and what cannot be read is one line naming the file and line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePair } from '../../src/main/generator/generateLogs';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'bin/lockstep');
const dir = mkdtempSync(join(tmpdir(), 'rules-cli-'));
const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function lockstep(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir, maxBuffer: 1 << 26 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const diff = (...args: string[]): ReturnType<typeof lockstep> => lockstep('diff', '--canary', canary, '--ours', ours, ...args);

describe.skipIf(!existsSync(join(ROOT, 'out/main/cli.js')))('rules on the command line', () => {
  beforeAll(() => {
    generatePair(canary, ours, { seed: 'rules-cli', eventsPerThread: 400, threads: 3, profile: 'hostile', divergences: 3 });
  });

  it("--print-default prints the reference's rules, and diffing under them is the reference's report, byte for byte", () => {
    const printed = lockstep('rules', '--print-default');
    expect(printed.status).toBe(0);
    expect(printed.stdout).toContain('base none');
    expect(printed.stdout).toContain('skip handle.destroy payload.raw_handle_id');
    expect(printed.stdout).toContain('allocator MmCreateKernelStack');
    writeFileSync(join(dir, 'default.rules'), printed.stdout);
    const plain = diff();
    const ruled = diff('--rules', 'default.rules');
    expect(ruled).toEqual(plain);
    expect(plain.stdout).not.toContain('**Rules**');
  });

  it('the flags make the rules a file makes: the same report, naming the same rules', () => {
    writeFileSync(join(dir, 'mine.rules'), '# mine\nskip * payload.timeout\nallocator NtReadFile\nignore-kind wait.begin\n');
    const byFile = diff('--rules', 'mine.rules');
    const byFlags = diff('--skip-field', '*:payload.timeout', '--allocator', 'NtReadFile', '--ignore-kind', 'wait.begin');
    expect(byFile.status).toBe(0);
    expect(byFlags).toEqual(byFile);
    const line = byFile.stdout.split('\n').find((l) => l.startsWith('**Rules**'))!;
    expect(line).toMatch(
      /^\*\*Rules\*\* \(fingerprint [0-9a-f]{16}\) differ from the reference's: `skip \* payload\.timeout`; `allocator NtReadFile`; `ignore-kind wait\.begin`\.$/,
    );
    const check = lockstep('rules', '--check', '--rules', 'mine.rules');
    expect(check.status).toBe(0);
    expect(check.stdout).toContain(line.match(/fingerprint ([0-9a-f]{16})/)![1]);
    // Every format names them.
    const json = JSON.parse(diff('--rules', 'mine.rules', '--format', 'json').stdout) as { session: { rules: { fingerprint: string; differences: string[] } } };
    expect(json.session.rules.differences).toEqual(['skip * payload.timeout', 'allocator NtReadFile', 'ignore-kind wait.begin']);
    expect(diff('--rules', 'mine.rules', '--format', 'annotated-md').stdout).toContain(line);
    expect(diff('--rules', 'mine.rules', '--format', 'html').stdout).toContain('<code>ignore-kind wait.begin</code>');
  });

  it('--validate-identical compares under the rules', () => {
    // ours as canary's copy with one payload field changed everywhere: different, unless that field is skipped.
    const same = join(dir, 'same-ours.jsonl');
    generatePair(join(dir, 'same-canary.jsonl'), same, { seed: 'rules-same', eventsPerThread: 200, threads: 2, profile: 'realistic', divergences: 0 });
    const c = join(dir, 'same-canary.jsonl');
    expect(lockstep('diff', '--canary', c, '--ours', same, '--validate-identical').status).toBe(0);
    const edited = join(dir, 'edited-ours.jsonl');
    const text = spawnSync('sed', ['s/"ord": \\([0-9]*\\)/"ord": 1\\1/', same], { encoding: 'utf8' }).stdout;
    writeFileSync(edited, text);
    const strict = lockstep('diff', '--canary', c, '--ours', edited, '--validate-identical');
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/^validate-identical: divergence in canary_tid=\d+ at tid_event_idx=\d+ \(payload\.ord: /);
    expect(lockstep('diff', '--canary', c, '--ours', edited, '--validate-identical', '--skip-field', '*:payload.ord').status).toBe(0);
  });

  it('refuses rules it cannot read in one line naming the file and line, before reading any log', () => {
    writeFileSync(join(dir, 'bad.rules'), 'skip * payload.x\n\nskip wait.end kind\n');
    const cases: [string[], RegExp][] = [
      [['--rules', 'bad.rules'], /^error: bad\.rules:3: kind says what an event is/],
      [['--rules', 'missing.rules'], /^error: --rules missing\.rules: no such file/],
      [['--skip-field', 'payload.x'], /^error: --skip-field payload\.x: expected KIND:PATH/],
      [['--skip-field', '*:host_ns'], /^error: --skip-field \*:host_ns: host_ns is never compared/],
      [['--ignore-kind', '*'], /^error: --ignore-kind takes one kind, not \*/],
    ];
    for (const [args, re] of cases) {
      const r = lockstep('diff', '--canary', 'no-such.jsonl', '--ours', 'no-such.jsonl', ...args);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toMatch(re);
    }
    expect(lockstep('rules').status).toBe(2);
    expect(lockstep('rules', '--print-default', '--allocator', 'X').status).toBe(2);
  });
});
