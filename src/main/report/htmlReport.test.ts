// The HTML export draws every pair's alignment: each hunk the JSON report lists,
// with the events of the logs on their sides and a gap where a side has none.
// The yardsticks: the CLI's JSON report for the hunks, the log files (read with
// JSON.parse) for the events each row names.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePair } from '../generator/generateLogs';

const ROOT = resolve(__dirname, '../../..');
const CLI = join(ROOT, 'bin/lockstep');
const built = existsSync(join(ROOT, 'out/main/cli.js'));
const dir = mkdtempSync(join(tmpdir(), 'html-report-'));
const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface JsonHunk {
  op: 'insert' | 'delete' | 'replace';
  canary: [number, number];
  ours: [number, number];
}

function cli(format: string): string {
  const r = spawnSync(process.execPath, [CLI, 'diff', '--canary', canary, '--ours', ours, '--format', format, '--quiet'], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

/** Each thread's events of a log, in order, as plain JSON. */
function threads(path: string): Map<unknown, { kind: string; tid_event_idx: number; payload: { name?: string } }[]> {
  const out = new Map<unknown, { kind: string; tid_event_idx: number; payload: { name?: string } }[]>();
  for (const line of readFileSync(path, 'utf8').split('\n').slice(1)) {
    if (!line.trim()) continue;
    const ev = JSON.parse(line) as { tid: unknown; kind: string; tid_event_idx: number; payload: { name?: string } };
    const list = out.get(ev.tid) ?? [];
    list.push(ev);
    out.set(ev.tid, list);
  }
  return out;
}

const unescape = (s: string): string =>
  s.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&amp;', '&');

describe.skipIf(!built)('the HTML export', () => {
  beforeAll(() => {
    generatePair(canary, ours, {
      seed: 'html-hunks',
      eventsPerThread: 400,
      threads: 3,
      profile: 'realistic',
      divergences: 0,
      edits: new Map([
        [
          0,
          [
            { at: 50, op: 'insert', count: 2 },
            { at: 200, op: 'delete', count: 1 },
          ],
        ],
        [1, [{ at: 120, op: 'change', count: 1 }]],
      ]),
    });
  });

  it('lists every hunk of the JSON report, each side naming the log’s events, a gap where a side has none', () => {
    const json = JSON.parse(cli('json')) as { pairs: { canaryTid: unknown; oursTid: unknown; hunks: JsonHunk[] }[] };
    const html = cli('html');
    const c = threads(canary);
    const o = threads(ours);
    const sections = html.split('<section>').slice(1);
    expect(sections).toHaveLength(json.pairs.length);
    let hunks = 0;
    json.pairs.forEach((pair, i) => {
      const section = sections[i]!;
      const drawn = [...section.matchAll(/<p class="hunk"><span class="op">(\w+)<\/span>[\s\S]*?<table class="align">([\s\S]*?)<\/table>/g)];
      expect(drawn.map((m) => m[1])).toEqual(pair.hunks.map((h) => h.op));
      pair.hunks.forEach((h, k) => {
        hunks++;
        const rows = [...drawn[k]![2]!.matchAll(/<tr class="changed">(<td[^>]*>[\s\S]*?<\/td>)(<td[^>]*>[\s\S]*?<\/td>)<\/tr>/g)];
        const cell = (td: string): string | null => (td.includes('class="gap"') ? null : unescape(/<td class="mono">([\s\S]*)<\/td>/.exec(td)![1]!));
        const name = (ev: { kind: string; tid_event_idx: number; payload: { name?: string } }): string => `[${ev.tid_event_idx}] ${ev.kind}`;
        const width = Math.max(h.canary[1] - h.canary[0], h.ours[1] - h.ours[0]);
        expect(rows).toHaveLength(Math.min(width, 8));
        rows.forEach((r, j) => {
          const left = cell(r[1]!);
          const right = cell(r[2]!);
          const ce = c.get(pair.canaryTid)![h.canary[0] + j];
          const oe = o.get(pair.oursTid)![h.ours[0] + j];
          if (h.canary[0] + j < h.canary[1]) expect(left!.startsWith(name(ce!))).toBe(true);
          else expect(left).toBeNull();
          if (h.ours[0] + j < h.ours[1]) expect(right!.startsWith(name(oe!))).toBe(true);
          else expect(right).toBeNull();
        });
      });
    });
    expect(hunks).toBeGreaterThanOrEqual(3);
  });
});
