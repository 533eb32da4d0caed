// "Mark as known" writes into the user's own file: its comments, order and
// layout stay; an entry already there gets its new note; a symlink's target
// is rewritten and the link kept; the file's permissions stay; a report or a
// broken file is never written; what is written reads back as a baseline.
import { chmodSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBaseline } from './baselineFile';
import { writeKnownEntries } from './baselineEdit';

const dir = mkdtempSync(join(tmpdir(), 'baseline-edit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CURATED = `// Known divergences of the title: reviewed weekly
{
    "format": "lockstep-baseline",
    "version": 1,
    "signatureScheme": 1,
    "known": [
        // the heap: ordinals drift after our extra allocation
        { "pattern": "replace kernel.return RtlAllocateHeap: *", "note": "ordinals drift" },
        { "signature": "0123456789ab", "note": "old note" } // stays with its entry
    ]
}
`;

describe('writing known divergences into a curated baseline', () => {
  it("adds an entry at the end and keeps the user's comments and layout; an entry already there gets the new note", () => {
    const path = join(dir, 'known.jsonc');
    writeFileSync(path, CURATED);
    chmodSync(path, 0o640);
    const r = writeKnownEntries(path, [
      { signature: 'aaaaaaaaaaaa', text: 'insert kernel.call X', note: 'X is harmless' },
      { signature: '0123456789ab', text: 'whatever', note: 'new note' },
    ]);
    expect(r).toEqual({ path, created: false });
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('// Known divergences of the title: reviewed weekly');
    expect(text).toContain('        // the heap: ordinals drift after our extra allocation');
    expect(text).toContain('        { "signature": "0123456789ab", "note": "new note" }, // stays with its entry\n        {\n');
    expect(text).not.toContain('old note');
    const b = readBaseline(path);
    expect(b.entries.map((e) => [e.signature ?? e.pattern, e.note])).toEqual([
      ['replace kernel.return RtlAllocateHeap: *', 'ordinals drift'],
      ['0123456789ab', 'new note'],
      ['aaaaaaaaaaaa', 'X is harmless'],
    ]);
    expect(text).toMatch(/\n {8}\{\n {12}"signature": "aaaaaaaaaaaa",/); // the file's own indentation
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('follows a symlink: the file it points to is rewritten, the link stays a link', () => {
    const real = join(dir, 'real.json');
    const link = join(dir, 'link.json');
    writeFileSync(real, CURATED);
    symlinkSync(real, link);
    const r = writeKnownEntries(link, [{ signature: 'bbbbbbbbbbbb', text: 't', note: 'n' }]);
    expect(r.path).toBe(real);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readBaseline(real).entries.map((e) => e.signature)).toContain('bbbbbbbbbbbb');
  });

  it('makes a new file where there is none, with the entries it is seeded with first', () => {
    const path = join(dir, 'new.json');
    const r = writeKnownEntries(
      path,
      [{ signature: 'cccccccccccc', text: 'c', note: 'why' }],
      [{ signature: 'dddddddddddd', text: 'd', note: 'seen in the run of Monday' }],
    );
    expect(r).toEqual({ path, created: true });
    const b = readBaseline(path);
    expect(b.kind).toBe('curated');
    expect(b.entries.map((e) => [e.signature, e.text, e.note])).toEqual([
      ['dddddddddddd', 'd', 'seen in the run of Monday'],
      ['cccccccccccc', 'c', 'why'],
    ]);
  });

  it('never writes a report or a file it cannot read, and leaves it byte for byte', () => {
    const report = join(dir, 'report.json');
    const reportText = JSON.stringify({ format: 'lockstep-report', version: 2, signatureScheme: 1, pairs: [] });
    writeFileSync(report, reportText);
    expect(() => writeKnownEntries(report, [{ signature: 'eeeeeeeeeeee', text: 't', note: 'n' }])).toThrow(/a JSON report, not a curated baseline/);
    expect(readFileSync(report, 'utf8')).toBe(reportText);
    const broken = join(dir, 'broken.json');
    const brokenText = CURATED.replace('"version": 1,', '"version": 1');
    writeFileSync(broken, brokenText);
    expect(() => writeKnownEntries(broken, [{ signature: 'eeeeeeeeeeee', text: 't', note: 'n' }])).toThrow(/broken\.json:5: not valid JSON/);
    expect(readFileSync(broken, 'utf8')).toBe(brokenText);
  });
});
