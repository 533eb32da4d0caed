// One self-contained HTML page: no script, no network, readable offline, in
// light and dark. Canary on the left, ours on the right, the differing field
// highlighted, bookmarks and notes under their pairs.
import type { Divergence, PairResult } from '../diff/diffLogs';
import { jsonDumps, pyStr } from '../py/format';
import { isDict, PyError, type PyDict } from '../py/value';
import { renderEvent } from './renderEvent';
import { escapeHtml, markdownToHtml } from '../../shared/noteMarkdown';
import {
  bookmarkPlace,
  bookmarksByPair,
  cutNotices,
  eventLine,
  mappingSentence,
  pairAlignment,
  pairKeyOf,
  type ReportBookmark,
  type ReportContext,
} from './reportContext';
import { describeAlignment, describeHunk, hunkDetail, sides } from '../align/pairAlignment';
import type { Comparison } from '../diff/comparison';
import type { Alignment } from '../align/alignThreads';
import { CONTEXT, SHOWN } from './alignmentMarkdown';
import { percent } from '../diff/similarityMap';

const CSS = `
:root { color-scheme: light dark; --bg: #fbfbfa; --fg: #1d1f23; --muted: #667085; --line: #e3e5e8; --panel: #fff;
  --canary: #9a6700; --ours: #0b7a75; --accent: #2563c9; --diff-bg: #fde8e8; --diff-fg: #9b1c1c; --ok: #067647; --code: #f3f4f6; }
@media (prefers-color-scheme: dark) { :root { --bg: #16181c; --fg: #e6e7ea; --muted: #9aa1ad; --line: #2c3037; --panel: #1d2026;
  --canary: #e0b049; --ours: #4cc2b6; --accent: #4d8df0; --diff-bg: #4a1d1f; --diff-fg: #ffb4b4; --ok: #5fd39b; --code: #23272e; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 32px 64px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 36px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
h3 { font-size: 14px; margin: 18px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.meta { color: var(--muted); margin: 0 0 16px; } .meta code { color: var(--fg); }
table { border-collapse: collapse; width: 100%; background: var(--panel); border: 1px solid var(--line); }
th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, pre, .mono { font-family: ui-monospace, "JetBrains Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
pre { background: var(--code); padding: 10px 12px; overflow-x: auto; border-radius: 6px; margin: 6px 0; }
.canary { color: var(--canary); } .ours { color: var(--ours); }
.desc { background: var(--diff-bg); color: var(--diff-fg); padding: 8px 12px; border-radius: 6px; font-family: ui-monospace, Menlo, monospace; }
.same { color: var(--ok); }
tr.divergent td { background: var(--diff-bg); }
.fields td.key { width: 22%; color: var(--muted); } .fields tr.hl td { background: var(--diff-bg); color: var(--diff-fg); font-weight: 600; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.bookmark { border-left: 3px solid var(--accent); padding: 4px 12px; margin: 10px 0; background: var(--panel); }
.bookmark .where { color: var(--muted); font-size: 12px; }
.hunk { margin: 14px 0 4px; font-size: 13px; } .hunk .op { display: inline-block; min-width: 58px; padding: 0 6px; border-radius: 3px;
  font-size: 11px; font-weight: 600; text-transform: uppercase; text-align: center; background: var(--code); margin-right: 6px; }
table.align td { width: 50%; } table.align td.gap { background: repeating-linear-gradient(135deg, transparent 0 6px, var(--line) 6px 7px); }
table.align tr.changed td:not(.gap) { background: var(--diff-bg); } .more { color: var(--muted); font-style: italic; }
a { color: var(--accent); }
.note table { width: auto; margin: 6px 0; } .note th { text-transform: none; letter-spacing: 0; font-size: 13px; color: var(--fg); }
`;

function fieldsTable(ev: PyDict, highlight: string | undefined, side: 'canary' | 'ours'): string {
  const payload = ev.get('payload');
  const rows: string[] = [];
  rows.push(`<tr${highlight === '#kind' ? ' class="hl"' : ''}><td class="key mono">kind</td><td class="mono">${escapeHtml(pyStr(ev.get('kind')))}</td></tr>`);
  rows.push(
    `<tr${highlight === '#idx' ? ' class="hl"' : ''}><td class="key mono">tid_event_idx</td><td class="mono">${escapeHtml(pyStr(ev.get('tid_event_idx')))}</td></tr>`,
  );
  if (isDict(payload)) {
    for (const [k, v] of payload) {
      rows.push(
        `<tr${highlight === k ? ' class="hl"' : ''}><td class="key mono">payload.${escapeHtml(k)}</td><td class="mono">${escapeHtml(jsonDumps(v, { ensureAscii: false }))}</td></tr>`,
      );
    }
    if (highlight !== undefined && !highlight.startsWith('#') && !payload.has(highlight)) {
      rows.push(`<tr class="hl"><td class="key mono">payload.${escapeHtml(highlight)}</td><td class="mono">&lt;absent&gt;</td></tr>`);
    }
  } else if (payload !== undefined) {
    rows.push(`<tr><td class="key mono">payload</td><td class="mono">${escapeHtml(jsonDumps(payload, { ensureAscii: false }))}</td></tr>`);
  }
  return `<table class="fields"><tr><th colspan="2" class="${side}">${side}</th></tr>${rows.join('')}</table>`;
}

function summaryLine(ev: PyDict | null): string {
  if (ev === null) return '<span class="muted">&lt;end of stream&gt;</span>';
  try {
    return escapeHtml(renderEvent(ev));
  } catch (e) {
    if (!(e instanceof PyError)) throw e;
    return escapeHtml(`[${pyStr(ev.get('tid_event_idx'))}] ${pyStr(ev.get('kind'))}`);
  }
}

function divergenceSection(d: Divergence): string {
  const hl = d.difference.field === 'kind' ? '#kind' : d.difference.field === 'tid_event_idx' ? '#idx' : d.difference.key;
  const rows: string[] = [];
  for (const p of d.preContext) rows.push(`<tr><td class="mono">${summaryLine(p.canary)}</td><td class="mono">${summaryLine(p.ours)}</td></tr>`);
  rows.push(`<tr class="divergent"><td class="mono">${summaryLine(d.canary)}</td><td class="mono">${summaryLine(d.ours)}</td></tr>`);
  rows.push(`<tr><td class="mono">${summaryLine(d.nextCanary)}</td><td class="mono">${summaryLine(d.nextOurs)}</td></tr>`);
  return [
    `<p class="desc">First divergence at position ${d.position}: ${escapeHtml(d.difference.description)}</p>`,
    '<h3>Around it (five matching events, the divergent one, the next)</h3>',
    `<table><tr><th class="canary">canary</th><th class="ours">ours</th></tr>${rows.join('')}</table>`,
    '<h3>The divergent events</h3>',
    `<div class="cols">${fieldsTable(d.canary, hl, 'canary')}${fieldsTable(d.ours, hl, 'ours')}</div>`,
    '<h3>Raw events</h3>',
    `<div class="cols"><pre>${escapeHtml(jsonDumps(d.canary, { ensureAscii: false, indent: 2 }))}</pre><pre>${escapeHtml(jsonDumps(d.ours, { ensureAscii: false, indent: 2 }))}</pre></div>`,
  ].join('\n');
}

/** Hunks drawn per pair; past it the page says how many more the JSON and annotated reports list. */
const HUNKS_SHOWN = 500;

/** The pair's alignment: a sentence, then each hunk beside its context, a gap on the side that lacks events. */
function alignmentSection(ctx: ReportContext, r: PairResult, a: Alignment): string {
  const { c, o } = sides(r, ctx.canary, ctx.ours);
  const cell = (text: string | null): string => (text === null ? '<td class="gap"></td>' : `<td class="mono">${escapeHtml(text)}</td>`);
  const out: string[] = [`<h3>Alignment</h3>`, `<p>${escapeHtml(describeAlignment(a, r.canaryTotal, r.oursTotal))}.</p>`];
  a.hunks.slice(0, HUNKS_SHOWN).forEach((h, n) => {
    const d = hunkDetail(c, o, h, a);
    const rows: string[] = [];
    const before = Math.min(CONTEXT, h.canary[0], h.ours[0]);
    for (let k = before; k > 0; k--) rows.push(`<tr>${cell(eventLine(c, h.canary[0] - k))}${cell(eventLine(o, h.ours[0] - k))}</tr>`);
    const nc = h.canary[1] - h.canary[0];
    const no = h.ours[1] - h.ours[0];
    for (let k = 0; k < Math.min(Math.max(nc, no), SHOWN); k++) {
      const left = k < nc ? eventLine(c, h.canary[0] + k) : null;
      const right = k < no ? eventLine(o, h.ours[0] + k) : null;
      rows.push(`<tr class="changed">${cell(left)}${cell(right)}</tr>`);
    }
    if (Math.max(nc, no) > SHOWN)
      rows.push(
        `<tr><td class="more">${nc > SHOWN ? `… and ${nc - SHOWN} more` : ''}</td><td class="more">${no > SHOWN ? `… and ${no - SHOWN} more` : ''}</td></tr>`,
      );
    const after = Math.min(CONTEXT, r.canaryTotal - h.canary[1], r.oursTotal - h.ours[1]);
    for (let k = 0; k < after; k++) rows.push(`<tr>${cell(eventLine(c, h.canary[1] + k))}${cell(eventLine(o, h.ours[1] + k))}</tr>`);
    out.push(`<p class="hunk"><span class="op">${h.op}</span>Hunk ${n + 1}: ${escapeHtml(describeHunk(d))}</p>`);
    out.push(`<table class="align"><tr><th class="canary">canary</th><th class="ours">ours</th></tr>${rows.join('')}</table>`);
  });
  if (a.hunks.length > HUNKS_SHOWN) {
    out.push(`<p class="more">… and ${a.hunks.length - HUNKS_SHOWN} more hunks: the JSON and annotated Markdown reports list every one.</p>`);
  }
  return out.join('\n');
}

function bookmarksSection(bs: ReportBookmark[] | undefined): string {
  if (!bs?.length) return '';
  return (
    '<h3>Bookmarks and notes</h3>' +
    bs
      .map(
        (b) =>
          `<div class="bookmark"><strong>${escapeHtml(b.title.trim() || 'Untitled bookmark')}</strong> <span class="where">${escapeHtml(bookmarkPlace(b))}${b.tidEventIdx !== null ? ` · tid_event_idx ${escapeHtml(b.tidEventIdx)}` : ''}${b.atDivergence ? ' · at the divergence' : ''}</span><div class="note">${markdownToHtml(b.note)}</div></div>`,
      )
      .join('\n')
  );
}

function pairSection(ctx: ReportContext, r: PairResult, bs: ReportBookmark[] | undefined): string {
  const title = `<h2 id="pair-${escapeHtml(pairKeyOf(r))}">canary <span class="canary">${escapeHtml(pyStr(r.canaryTid))}</span> → ours <span class="ours">${escapeHtml(pyStr(r.oursTid))}</span></h2>`;
  const body = r.divergence
    ? divergenceSection(r.divergence)
    : `<p class="same">No divergence within the ${r.matched} compared events (canary has ${r.canaryTotal}, ours has ${r.oursTotal}).</p>`;
  return `<section>${title}\n${body}\n${alignmentSection(ctx, r, pairAlignment(ctx, r))}\n${bookmarksSection(bs)}</section>`;
}

function mappedByCell(p: PairResult): string {
  const r = p.reason;
  if (r.by === 'manual') return 'by hand';
  if (r.by === 'first-call') return `first call <code>${escapeHtml(pyStr(r.name))}</code>`;
  return `<span title="${escapeHtml(r.why)}">similarity ${percent(r.similarity)}, confidence ${percent(r.confidence)}</span>${r.unsure ? ' <strong>unsure</strong>' : ''}<br><span class="meta">${escapeHtml(r.why)}</span>`;
}

/** The rules, named: the reference's, or how these differ from them. */
function rulesHtml(cmp: Comparison): string {
  if (cmp.differences.length === 0) return `<p class="meta">rules: the reference's (fingerprint <code>${cmp.fingerprint}</code>)</p>`;
  return `<p class="meta">rules (fingerprint <code>${cmp.fingerprint}</code>) differ from the reference's: ${cmp.differences.map((d) => `<code>${escapeHtml(d)}</code>`).join('; ')}</p>`;
}

export function renderHtmlReport(ctx: ReportContext): string {
  const byPair = bookmarksByPair(ctx);
  const r = ctx.result;
  const summaryRows = r.pairs
    .map(
      (p) =>
        `<tr><td class="mono"><a href="#pair-${escapeHtml(pairKeyOf(p))}">${escapeHtml(pyStr(p.canaryTid))}</a></td><td class="mono">${escapeHtml(pyStr(p.oursTid))}</td>` +
        `<td class="num">${p.matched}</td><td class="num">${p.canaryTotal}</td><td class="num">${p.oursTotal}</td>` +
        `<td class="num">${p.divergence ? p.divergence.position : '<span class="same">none</span>'}</td>` +
        `<td>${mappedByCell(p)}</td></tr>`,
    )
    .join('');
  const unmapped = r.similarity
    ? [...r.similarity.unpairedCanary, ...r.similarity.unpairedOurs].map((u) => `${u.side} ${pyStr(u.thread.tid)} (${u.reason})`)
    : [...r.unmappedCanary.map((t) => `canary ${pyStr(t.tid)}`), ...r.unmappedOurs.map((t) => `ours ${pyStr(t.tid)}`)];
  const loose = byPair.get(null);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lockstep report — ${escapeHtml(ctx.sessionName)}</title>
<style>${CSS}</style>
</head>
<body><main>
<h1>Lockstep report — ${escapeHtml(ctx.sessionName)}</h1>
<p class="meta">canary <code>${escapeHtml(ctx.canary.path)}</code> (${ctx.canary.log.eventCount} events) ·
ours <code>${escapeHtml(ctx.ours.path)}</code> (${ctx.ours.log.eventCount} events) ·
threads ${escapeHtml(mappingSentence(ctx))}${ctx.tidMapArg ? ` (<code>--tid-map ${escapeHtml(ctx.tidMapArg)}</code>)` : ''} ·
allocator canonicalization ${r.canonicalize ? 'on' : 'off'} · ${escapeHtml(ctx.generator)}</p>
${rulesHtml(r.comparison)}
${cutNotices(ctx)
  .map((n) => `<p class="desc"><strong>Cut log.</strong> ${escapeHtml(n)}</p>`)
  .join('\n')}
<h2>Summary</h2>
<table><tr><th>canary tid</th><th>ours tid</th><th>matched</th><th>canary total</th><th>ours total</th><th>first divergence</th><th>mapped by</th></tr>${summaryRows}</table>
${unmapped.length ? `<p class="meta">Not compared: ${escapeHtml(unmapped.join(', '))}</p>` : ''}
${r.warnings.map((w) => `<p class="meta">${escapeHtml(w)}</p>`).join('')}
${r.pairs.map((p) => pairSection(ctx, p, byPair.get(pairKeyOf(p)))).join('\n')}
${loose?.length ? `<section><h2>Bookmarks on threads not compared now</h2>${bookmarksSection(loose)}</section>` : ''}
</main></body>
</html>
`;
}
