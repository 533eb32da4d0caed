// What of a searched text must be inside one token of a line (a string's raw
// text, a key, a number, true/false/null), and so can be looked for in the
// index's dictionaries instead of in the lines themselves.
//
// Outside its strings a JSON line is tokens, whitespace and the characters
// " : , { } [ ]. A piece of text holding none of those characters, and no
// whitespace at either end, cannot reach across two tokens: between any two
// there is a quote or one of the others. So every such piece of what is
// searched for must be in some token of a line that matches.

const SEPARATORS = /[":,{}[\]]/g;

/** The pieces of `text` (lower-cased) that must each lie inside one token of a matching line; longest first. */
export function tokenFragments(text: string): string[] {
  const out = new Set<string>();
  for (const part of text.toLowerCase().split(SEPARATORS)) {
    const t = part.trim();
    if (t !== '') out.add(t);
  }
  return [...out].sort((a, b) => b.length - a.length);
}
