// The renderer's pure pieces of triage: a note's preview never lets HTML
// through, the mapping panel lists every thread with its partners, and
// bookmarks of threads not compared now are grouped apart.
import { describe, expect, it } from 'vitest';
import type { BookmarkView, PairView, SessionView, ThreadView } from '../../shared/api';
import { groupBookmarks } from './bookmarkGroups';
import { markdownToHtml as markdownPreview, notePreviewText } from '../../shared/noteMarkdown';
import { otherPartners, threadLists } from './threadLists';

const thread = (side: 'canary' | 'ours', tid: number, threadNo: number): ThreadView => ({
  side,
  threadNo,
  tid: String(tid),
  tidKey: `n${tid}`,
  eventCount: 10,
  firstCallName: null,
});

const pair = (c: ThreadView, o: ThreadView): PairView => ({
  key: c.tidKey,
  canary: c,
  ours: o,
  mappedBy: 'manual',
  firstCallName: null,
  explanation: null,
  matched: 0,
  canaryTotal: 10,
  oursTotal: 10,
  divergence: null,
  alignment: {
    aligned: true,
    stoppedAt: null,
    counts: { insert: 0, delete: 0, replace: 0 },
    cost: 0,
    backInStep: null,
    rows: 10,
    hunks: 0,
    firstHunkRow: null,
  },
});

const bookmark = (id: string, pairKey: string | null, canaryTid: string, position: number): BookmarkView => ({
  id,
  pairKey,
  canaryTid,
  oursTid: '1',
  canaryPosition: position,
  oursPosition: position,
  tidEventIdx: String(position),
  atDivergence: false,
  title: id,
  note: '',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
});

const empty = { skip: [], allocators: [], allocatorPairing: false, canonicalize: [], ignoreKinds: [] };

function session(pairs: PairView[], unmappedCanary: ThreadView[], unmappedOurs: ThreadView[], bookmarks: BookmarkView[] = []): SessionView {
  const log = { path: '/x', size: 0, events: 0, threads: 0, fingerprint: '' };
  return {
    id: 's',
    name: 's',
    canary: { ...log, side: 'canary' },
    ours: { ...log, side: 'ours' },
    canonicalize: true,
    rules: {
      rules: empty,
      reference: empty,
      fingerprint: '',
      differences: [],
      text: '',
      kinds: [],
    },
    manualMap: true,
    mapUndo: null,
    pairs,
    unmappedCanary,
    unmappedOurs,
    warnings: [],
    place: null,
    bookmarks,
    tidMapArg: null,
    draft: null,
    baseline: null,
  };
}

describe('markdownPreview', () => {
  it('escapes every tag of the note, formatting only its Markdown', () => {
    const html = markdownPreview('<script>alert(1)</script> **bold** `<b>` [x](javascript:alert(1)) [y](https://e.org/a)');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>&lt;b&gt;</code>');
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('<a href="https://e.org/a"');
  });

  it('keeps lists, headings and code blocks', () => {
    expect(markdownPreview('# T\n- a\n- b\n```\n<x>\n```').replace(/\n/g, '')).toBe('<h4>T</h4><ul><li>a</li><li>b</li></ul><pre><code>&lt;x&gt;</code></pre>');
  });

  it('leaves a link whose URL holds * and _ as written (no <em> inside the href)', () => {
    const html = markdownPreview('see [the dump](https://e.org/a_b*c*d_e/x*y*) and *this*');
    expect(html).toContain('<a href="https://e.org/a_b*c*d_e/x*y*" target="_blank" rel="noreferrer noopener">the dump</a>');
    expect(html).toContain('<em>this</em>');
    expect(html.match(/<em>/g)).toHaveLength(1);
  });

  it('renders a table, and no image, raw HTML or non-http link', () => {
    const html = markdownPreview(
      '| call | canary | ours |\n|---|---|---|\n| NtReadFile | 0 | 0xC0000034 |\n\n![x](https://e.org/t.png) <img src=x onerror=alert(1)> [f](file:///etc/passwd)',
    );
    expect(html).toMatch(/<table>\s*<thead>\s*<tr>\s*<th>call<\/th>/);
    expect(html).toContain('<td>0xC0000034</td>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('href="file:');
    expect(html).toContain('&lt;img');
  });

  it('shows the characters that reorder text as what they are', () => {
    expect(markdownPreview('rename to gnp\u202Eexe.')).toBe('<p>rename to gnp⟨U+202E⟩exe.</p>');
    expect(notePreviewText('a \u2066b\u2069')).toBe('a ⟨U+2066⟩b⟨U+2069⟩');
  });

  it('gives a plain first line for lists of bookmarks', () => {
    expect(notePreviewText('ours writes **changed** where canary has `0x0`.\n\n- check *this*')).toBe('ours writes changed where canary has 0x0. · check this');
  });
});

describe('threadLists', () => {
  const c6 = thread('canary', 6, 1);
  const c10 = thread('canary', 10, 0);
  const c9 = thread('canary', 9, 2);
  const o3 = thread('ours', 3, 0);
  const o4 = thread('ours', 4, 1);

  it('lists every thread by tid with its partners, a shared ours thread once', () => {
    const s = session([pair(c10, o3), pair(c6, o3)], [c9], [o4]);
    const lists = threadLists(s);
    expect(lists.canary.map((r) => [r.thread.tid, r.pair?.ours.tid ?? null])).toEqual([
      ['6', '3'],
      ['9', null],
      ['10', '3'],
    ]);
    expect(lists.ours.map((r) => [r.thread.tid, r.pairs.map((p) => p.canary.tid)])).toEqual([
      ['3', ['10', '6']],
      ['4', []],
    ]);
    expect(otherPartners(s, c6.tidKey, o3.tidKey).map((t) => t.tid)).toEqual(['10']);
    expect(otherPartners(s, c9.tidKey, o4.tidKey)).toEqual([]);
  });
});

describe('groupBookmarks', () => {
  it('groups by pair in the given order, by position, those of unmapped threads last', () => {
    const c6 = thread('canary', 6, 0);
    const c7 = thread('canary', 7, 1);
    const o1 = thread('ours', 1, 0);
    const s = session(
      [pair(c6, o1), pair(c7, o1)],
      [],
      [],
      [bookmark('a', 'n6', '6', 30), bookmark('b', null, '9', 1), bookmark('c', 'n6', '6', 2), bookmark('d', 'n7', '7', 5)],
    );
    const groups = groupBookmarks(s, [s.pairs[1]!, s.pairs[0]!]);
    expect(groups.map((g) => [g.pairKey, g.bookmarks.map((b) => b.id)])).toEqual([
      ['n7', ['d']],
      ['n6', ['c', 'a']],
      [null, ['b']],
    ]);
  });
});
