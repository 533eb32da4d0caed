// Keyboard helpers shared by the views.

/** True when a keystroke belongs to a text field, not to the view's shortcuts. */
export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  return t.isContentEditable || t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT';
}

/** Shortcuts are plain keys: leave Ctrl/Cmd/Alt combinations to the browser and the shell. */
export function hasCommandModifier(e: KeyboardEvent): boolean {
  return e.ctrlKey || e.metaKey || e.altKey;
}

/**
 * True when the keystroke happens inside a part of the page that handles its
 * own keys (a panel, a dialog, a menu: marked data-own-keys), so the view's
 * single-letter shortcuts and arrows stay out of its way.
 */
export function insideOwnKeys(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t?.closest?.('[data-own-keys]');
}
