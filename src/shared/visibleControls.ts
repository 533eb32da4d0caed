// Characters that change the order in which text is shown without being
// shown themselves: the bidirectional embeddings, overrides and isolates, and
// the direction marks. A payload string `gnp\u202Eexe.` reads as `gnp.exe`
// reversed; a note can hide words the same way. Wherever Lockstep shows or
// exports text for a person to read, each such character is shown as what it
// is, `⟨U+202E⟩`. The values themselves stay exact: in the index, in the
// comparison, in the reference's report (its bytes), and in JSON (escaped as
// \u202e there, the same string once parsed).

/** U+061C ALM, U+200E LRM, U+200F RLM, U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates. */
const CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const code = (c: string): string => c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');

/** The text with every bidirectional control shown as ⟨U+XXXX⟩. */
export function showControls(text: string): string {
  return text.replace(CONTROLS, (c) => `⟨U+${code(c)}⟩`);
}

/** JSON text with every bidirectional control escaped (\u202e): the same value once parsed, nothing reordered when read. */
export function escapeControlsInJson(json: string): string {
  return json.replace(CONTROLS, (c) => `\\u${code(c).toLowerCase()}`);
}
