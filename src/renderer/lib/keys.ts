// Keyboard helpers shared by the views.

/**
 * Whether the keystroke's target is something the user can see. Focus can be
 * left on an element that has since been hidden or removed (the button of a
 * view that closed): its keys then belong to the screen on show.
 */
export function targetShown(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && t.isConnected && typeof t.getClientRects === 'function' && t.getClientRects().length > 0;
}

/** True when a keystroke belongs to a text field, not to the view's shortcuts. */
export function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t || !targetShown(e)) return false;
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
  return targetShown(e) && !!t?.closest?.('[data-own-keys]');
}

/**
 * Move the focus within a list of buttons for the list keys (↑/↓ or k/j,
 * Home, End) from item `index`. Returns whether the key was one of them.
 */
export function moveFocusInList(list: HTMLElement[], index: number, key: string): boolean {
  let to: number;
  switch (key) {
    case 'ArrowDown':
    case 'j':
      to = Math.min(list.length - 1, index + 1);
      break;
    case 'ArrowUp':
    case 'k':
      to = Math.max(0, index - 1);
      break;
    case 'Home':
      to = 0;
      break;
    case 'End':
      to = list.length - 1;
      break;
    default:
      return false;
  }
  list[to]?.focus();
  return true;
}
