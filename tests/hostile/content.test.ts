// What the user reads must be what is in the log. Bidirectional controls in a
// payload string, a title or a note reorder what is shown (`gnp\u202Eexe.`
// reads as an .exe): the viewer and every export of Lockstep's own show them
// as ⟨U+202E⟩, JSON escapes them (the same value once parsed), the reference's
// report keeps its bytes (its reprs escape them already). And the HTML export colours canary and ours as the
// workbench does, and formats a note's table.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RequestArg, RequestName, RequestResult } from '../../src/shared/api';
import { Workbench } from '../../src/main/service/workbench';

const ROOT = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'content-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RLO = '\u202E';
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function log(engine: string, name: string): string {
  const events = [
    { kind: 'kernel.call', payload: { name: 'NtCreateFile', args_resolved: { path: 'game:\\a.bin' } } },
    { kind: 'wait.begin', payload: { object: name, timeout: null } },
    { kind: 'wait.end', payload: { object: name, result: 0 } },
  ];
  return [
    JSON.stringify({ kind: 'schema_version', schema_version: 1, engine }),
    ...events.map((e, i) => JSON.stringify({ engine, tid: 7, tid_event_idx: i, ...e })),
    '',
  ].join('\n');
}

const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
writeFileSync(canary, log('canary', 'cache:\\shader.bin'));
writeFileSync(ours, log('ours', `gnp${RLO}exe.`));

async function call<K extends RequestName>(w: Workbench, name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const r = await w.handle(name, arg);
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value as RequestResult<K>;
}

describe('text that reorders itself', () => {
  it('is shown as what it is in the viewer and in every export of our own; JSON keeps the value; the reference report its bytes', async () => {
    const w = new Workbench({ dataDir: join(dir, 'data'), host: 'browser', version: 'test', demo: null });
    try {
      const s = await call(w, 'session/open', { jobId: 'a', canaryPath: canary, oursPath: ours });
      const pair = s.pairs[0]!;
      const rows = await call(w, 'diff/rows', { sessionId: s.id, pairKey: pair.key, view: 'positional', from: 0, count: 10 });
      const row = rows.rows[1]!;
      expect(row.ours!.summary).toContain('gnp\\u202eexe.'); // Python's repr escapes it already
      expect(JSON.stringify(rows)).not.toMatch(BIDI);
      const detail = await call(w, 'diff/detail', { sessionId: s.id, pairKey: pair.key, view: 'positional', row: 1 });
      expect(detail.ours!.json).toContain('gnp⟨U+202E⟩exe.');
      expect(JSON.stringify(detail)).not.toMatch(BIDI);
      expect(JSON.stringify(s)).not.toMatch(BIDI);

      await call(w, 'bookmark/add', {
        sessionId: s.id,
        pairKey: pair.key,
        view: 'positional',
        row: 1,
        title: `renamed \u2067file\u2069`,
        note: `ours opens gnp${RLO}exe.\n\n| call | canary | ours |\n|---|---|---|\n| NtOpenFile | shader.bin | exe |\n`,
      });
      const html = (await call(w, 'report/export', { sessionId: s.id, format: 'html' })).text;
      expect(html).not.toMatch(BIDI);
      expect(html).toContain('gnp⟨U+202E⟩exe.');
      expect(html).toContain('renamed ⟨U+2067⟩file⟨U+2069⟩');
      expect(html).toMatch(/<table>\s*<thead>\s*<tr>\s*<th>call<\/th>\s*<th>canary<\/th>/);
      const annotated = (await call(w, 'report/export', { sessionId: s.id, format: 'annotated-md' })).text;
      expect(annotated).not.toMatch(BIDI);
      expect(annotated).toContain('⟨U+202E⟩');
      const json = (await call(w, 'report/export', { sessionId: s.id, format: 'json' })).text;
      expect(json).not.toMatch(BIDI);
      expect(json).toContain('\\u202e');
      expect(JSON.stringify(JSON.parse(json))).toContain(`gnp${RLO}exe.`); // the value is exact
      const reference = (await call(w, 'report/export', { sessionId: s.id, format: 'reference-md' })).text;
      const cli = spawnSync(process.execPath, [join(ROOT, 'bin/lockstep'), 'diff', '--canary', canary, '--ours', ours, '--quiet'], { encoding: 'utf8' });
      expect(reference).toBe(cli.stdout);
    } finally {
      w.close();
    }
  });
});

describe('the HTML export', () => {
  it('colours canary and ours as the workbench does, light and dark', async () => {
    const css = readFileSync(join(ROOT, 'src/renderer/styles/app.css'), 'utf8');
    const dark = css.indexOf(":root[data-theme='dark']");
    const colour = (side: string, from: number): string => new RegExp(`--${side}:\\s*(#[0-9a-f]+);`, 'i').exec(css.slice(from))![1]!;
    const w = new Workbench({ dataDir: join(dir, 'data-colours'), host: 'browser', version: 'test', demo: null });
    try {
      const s = await call(w, 'session/open', { jobId: 'a', canaryPath: canary, oursPath: ours });
      const html = (await call(w, 'report/export', { sessionId: s.id, format: 'html' })).text;
      const darkAt = html.indexOf('prefers-color-scheme: dark');
      const htmlColour = (side: string, from: number): string => new RegExp(`--${side}:\\s*(#[0-9a-f]+);`, 'i').exec(html.slice(from))![1]!;
      expect(htmlColour('canary', 0)).toBe(colour('canary', 0));
      expect(htmlColour('ours', 0)).toBe(colour('ours', 0));
      expect(htmlColour('canary', darkAt)).toBe(colour('canary', dark));
      expect(htmlColour('ours', darkAt)).toBe(colour('ours', dark));
    } finally {
      w.close();
    }
  });
});
