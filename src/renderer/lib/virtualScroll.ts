// Geometry of the virtualised row list. Every row has the same height, so a
// position maps to a pixel offset by multiplication. Browsers cap an
// element's height (Chromium near 33.5M px, Firefox near 17.9M px), so past
// MAX_SCROLL_HEIGHT the scrollbar is compressed: one pixel of scrolling moves
// `ratio` pixels through the rows.
export const ROW_HEIGHT = 22;
const MAX_SCROLL_HEIGHT = 16_000_000;

export interface ScrollGeometry {
  /** Height the rows would need. */
  virtualHeight: number;
  /** Height the scroll container is given. */
  physicalHeight: number;
  /** Virtual pixels per physical pixel of scrollTop (1 unless compressed). */
  ratio: number;
}

export function scrollGeometry(total: number, viewport: number): ScrollGeometry {
  const virtualHeight = total * ROW_HEIGHT;
  const physicalHeight = Math.min(virtualHeight, MAX_SCROLL_HEIGHT);
  const ratio = virtualHeight > physicalHeight && physicalHeight > viewport ? (virtualHeight - viewport) / (physicalHeight - viewport) : 1;
  return { virtualHeight, physicalHeight, ratio };
}

/** The scrollTop that shows `position` as asked: only if off screen ('nearest') or in the middle ('centre'). */
export function scrollTopToReveal(position: number, mode: 'nearest' | 'centre', currentScrollTop: number, viewport: number, g: ScrollGeometry): number {
  const top = currentScrollTop * g.ratio;
  const rowTop = position * ROW_HEIGHT;
  let target = top;
  if (mode === 'centre') target = rowTop - Math.max(0, viewport - ROW_HEIGHT) / 2;
  else if (rowTop < top) target = rowTop;
  else if (rowTop + ROW_HEIGHT > top + viewport) target = rowTop + ROW_HEIGHT - viewport;
  target = Math.max(0, Math.min(target, g.virtualHeight - viewport));
  return target / g.ratio;
}
