// A log from a run that crashed ends in a line cut short. By default Lockstep
// refuses it as the reference does (same exit, same stdout); asked to
// (`--accept-truncated`, the workbench's button), it uses everything up to the
// last complete line — exactly the reference's report on the log without the
// cut line — and every report says where the log was cut. Only the last line
// may be cut: a bad line before others is refused all the same.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RequestArg, RequestName, RequestResult, Result } from '../../src/shared/api';
import { generatePair } from '../../src/main/generator/generateLogs';
import { Workbench } from '../../src/main/service/workbench';
import { referenceAvailable, runLockstep, runReference } from '../parity/runTools';

const dir = mkdtempSync(join(tmpdir(), 'truncated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

generatePair(join(dir, 'canary.jsonl'), join(dir, 'ours.jsonl'), { seed: 'truncated', eventsPerThread: 500, threads: 3, profile: 'realistic', divergences: 2 });
const full = readFileSync(join(dir, 'ours.jsonl'), 'utf8');
const lines = full.split('\n').filter(Boolean);
const lastLine = lines.length; // 1-based: the line that will be cut
// ours as the crash left it: its last line cut in the middle, no line end after it.
writeFileSync(join(dir, 'cut.jsonl'), lines.slice(0, -1).join('\n') + '\n' + lines.at(-1)!.slice(0, Math.floor(lines.at(-1)!.length / 2)));
// What the accepted log holds: the lines before the cut one.
writeFileSync(join(dir, 'before-cut.jsonl'), lines.slice(0, -1).join('\n') + '\n');
// A bad line that is not the last one.
writeFileSync(join(dir, 'bad-middle.jsonl'), [...lines.slice(0, 100), lines[100]!.slice(0, 20), ...lines.slice(101)].join('\n') + '\n');

const noReference = !referenceAvailable();

describe('a log cut short by a crash', () => {
  it.skipIf(noReference)('is refused by default as the reference refuses it, saying it is cut', async () => {
    const args = ['--canary', 'canary.jsonl', '--ours', 'cut.jsonl'];
    const ref = await runReference(dir, args);
    const ours = await runLockstep(dir, [...args, '--quiet']);
    expect(ref.status).toBe(1);
    expect(ours.status).toBe(ref.status);
    expect(ours.stdout).toBe(ref.stdout);
    expect(ours.stderr).toMatch(
      new RegExp(`^error: cut\\.jsonl:${lastLine}: invalid JSON \\(.+\\); it is the log's last line, cut short \\(a run that crashed\\?\\): accept a cut log`),
    );
  });

  it.skipIf(noReference)("with --accept-truncated: the reference's report of the lines before the cut, and a line saying where it was cut", async () => {
    const expected = await runReference(dir, ['--canary', 'canary.jsonl', '--ours', 'before-cut.jsonl']);
    expect(expected.status).toBe(0);
    const ours = await runLockstep(dir, ['--canary', 'canary.jsonl', '--ours', 'cut.jsonl', '--accept-truncated', '--quiet']);
    expect(ours.status, ours.stderr).toBe(0);
    const notice = `> **Cut log.** The ours log cut.jsonl was cut at line ${lastLine} (a line cut short, left out): compared up to line ${lastLine - 1}.\n\n`;
    expect(ours.stdout).toBe(notice + expected.stdout);
    expect(ours.stderr).toBe(`warn: The ours log cut.jsonl was cut at line ${lastLine} (a line cut short, left out): compared up to line ${lastLine - 1}.\n`);
    const json = await runLockstep(dir, ['--canary', 'canary.jsonl', '--ours', 'cut.jsonl', '--accept-truncated', '--quiet', '--format', 'json']);
    expect((JSON.parse(json.stdout) as { session: { ours: { cutAtLine: number | null }; canary: { cutAtLine: number | null } } }).session).toMatchObject({
      canary: { cutAtLine: null },
      ours: { cutAtLine: lastLine },
    });
  });

  it.skipIf(noReference)('a kept index of the cut log does not make a later run without the flag accept it', async () => {
    const db = join(dir, 'kept.sqlite');
    expect((await runLockstep(dir, ['--canary', 'canary.jsonl', '--ours', 'cut.jsonl', '--accept-truncated', '--quiet', '--db', db])).status).toBe(0);
    const ref = await runReference(dir, ['--canary', 'canary.jsonl', '--ours', 'cut.jsonl']);
    const again = await runLockstep(dir, ['--canary', 'canary.jsonl', '--ours', 'cut.jsonl', '--quiet', '--db', db]);
    expect(again.status).toBe(ref.status);
    expect(again.stdout).toBe(ref.stdout);
  });

  it.skipIf(noReference)('a bad line before others is no cut log: refused, with the flag or without', async () => {
    const ref = await runReference(dir, ['--canary', 'canary.jsonl', '--ours', 'bad-middle.jsonl']);
    expect(ref.status).toBe(1);
    for (const extra of [[], ['--accept-truncated']]) {
      const ours = await runLockstep(dir, ['--canary', 'canary.jsonl', '--ours', 'bad-middle.jsonl', '--quiet', ...extra]);
      expect(ours.status).toBe(1);
      expect(ours.stdout).toBe(ref.stdout);
      expect(ours.stderr).toMatch(/^error: bad-middle\.jsonl:101: invalid JSON \(.+\)\n$/);
    }
  });
});

describe('the workbench and a cut log', () => {
  async function req<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<Result<RequestResult<K>>> {
    return (await w.handle(name, arg)) as Result<RequestResult<K>>;
  }

  it('says the log is cut (the page offers a button), opens it when asked, and every export says where it was cut', async () => {
    const w = new Workbench({ dataDir: join(dir, 'data'), host: 'browser', version: 'test', demo: null });
    try {
      const canaryPath = join(dir, 'canary.jsonl');
      const oursPath = join(dir, 'cut.jsonl');
      const refused = await req(w, 'session/open', { jobId: 'a', canaryPath, oursPath });
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.error.code).toBe('input');
        expect(refused.error.detail).toEqual({ file: oursPath, line: lastLine, cut: true });
      }
      const s = await req(w, 'session/open', { jobId: 'b', canaryPath, oursPath, acceptTruncated: true });
      if (!s.ok) throw new Error(s.error.message);
      const notice = `The ours log ${oursPath} was cut at line ${lastLine} (a line cut short, left out): compared up to line ${lastLine - 1}.`;
      expect(s.value.warnings).toContain(notice);
      for (const format of ['reference-md', 'annotated-md', 'html', 'json'] as const) {
        const r = await req(w, 'report/export', { sessionId: s.value.id, format });
        if (!r.ok) throw new Error(r.error.message);
        expect(r.value.text, format).toContain(format === 'json' ? `"cutAtLine": ${lastLine}` : `was cut at line ${lastLine}`);
      }
    } finally {
      w.close();
    }
  });
});
