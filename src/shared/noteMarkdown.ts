// Notes are Markdown; the HTML report and the workbench's preview show them
// formatted, alike, with markdown-it (CommonMark plus tables and
// strikethrough). Its own escaping is the safety: raw HTML is off, so every
// `<` of a note is text; links keep only http(s) and mailto URLs; images are
// off (a note must not fetch anything). That is why there is no separate
// sanitizer: nothing that is not markdown-it's own markup can be emitted, and
// the URL of a link is escaped as an attribute, never formatted (the
// hand-written renderer this replaces put `<em>` inside an href holding `*`).
import MarkdownIt from 'markdown-it';
import { showControls } from './visibleControls';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
md.disable('image');
md.validateLink = (url: string): boolean => /^(https?:\/\/|mailto:)/i.test(url.trim());

const renderToken: NonNullable<typeof md.renderer.rules.link_open> = (tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options);

// Links open outside the workbench, and tell the target nothing about it.
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('target', '_blank');
  tokens[idx]!.attrSet('rel', 'noreferrer noopener');
  return renderToken(tokens, idx, options, env, self);
};

// A note's headings sit under the page's own: # is h4.
const shiftHeading: typeof renderToken = (tokens, idx, options, env, self) => {
  const t = tokens[idx]!;
  t.tag = `h${Math.min(6, Number(t.tag.slice(1)) + 3)}`;
  return renderToken(tokens, idx, options, env, self);
};
md.renderer.rules.heading_open = shiftHeading;
md.renderer.rules.heading_close = shiftHeading;

/** A note as HTML: safe to insert as it is; the characters that reorder text are shown (⟨U+202E⟩). */
export function markdownToHtml(text: string): string {
  return md.render(showControls(text)).trimEnd();
}

/** The note's first words as plain text, for a list entry (list items marked ·, code blocks left out). */
export function notePreviewText(text: string, max = 140): string {
  const tokens = md.parse(showControls(text), {});
  const parts: string[] = [];
  tokens.forEach((t, i) => {
    if (t.type !== 'inline') return;
    const words = (t.children ?? [])
      .map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.type === 'softbreak' || c.type === 'hardbreak' ? ' ' : ''))
      .join('');
    const inItem = tokens[i - 1]?.type === 'paragraph_open' && tokens[i - 2]?.type === 'list_item_open';
    parts.push(inItem ? `· ${words}` : words);
  });
  const plain = parts.join(' ').replace(/\s+/g, ' ').trim();
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}
