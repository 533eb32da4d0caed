// The bookmarks panel's sections: one per pair, in the summary's order, and
// the bookmarks whose canary thread is not compared now, apart.
import type { BookmarkView, PairView, SessionView } from '../../shared/api';
import { tidOrder } from './tidOrder';

export interface BookmarkGroup {
  /** The pair's key, or null for bookmarks whose canary thread is not compared now. */
  pairKey: string | null;
  label: string;
  bookmarks: BookmarkView[];
}

/** Where a bookmark sits, in words: both sides' positions, or one side's next to a gap. */
export function bookmarkPlace(b: Pick<BookmarkView, 'canaryPosition' | 'oursPosition'>): string {
  if (b.canaryPosition !== null && b.oursPosition !== null) {
    return b.canaryPosition === b.oursPosition ? `position ${b.canaryPosition}` : `canary ${b.canaryPosition} / ours ${b.oursPosition}`;
  }
  return b.canaryPosition !== null ? `canary ${b.canaryPosition} (only canary)` : `ours ${b.oursPosition} (only ours)`;
}

/** The position a bookmark sorts by within its pair. */
const sortPosition = (b: BookmarkView): number => b.canaryPosition ?? b.oursPosition ?? 0;

/** By pair in the summary's order, by position within a pair; those of unmapped threads last. */
export function groupBookmarks(s: SessionView, order: readonly PairView[] = s.pairs): BookmarkGroup[] {
  const groups: BookmarkGroup[] = [];
  const byPosition = (a: BookmarkView, b: BookmarkView): number => sortPosition(a) - sortPosition(b) || a.createdAt.localeCompare(b.createdAt);
  for (const p of order) {
    const bs = s.bookmarks.filter((b) => b.pairKey === p.key).sort(byPosition);
    if (bs.length) groups.push({ pairKey: p.key, label: `canary ${p.canary.tid} → ours ${p.ours.tid}`, bookmarks: bs });
  }
  const loose = s.bookmarks.filter((b) => b.pairKey === null || !order.some((p) => p.key === b.pairKey));
  if (loose.length)
    groups.push({ pairKey: null, label: 'Threads not compared now', bookmarks: loose.sort((a, b) => tidOrder(a.canaryTid, b.canaryTid) || byPosition(a, b)) });
  return groups;
}
