// A pair's alignment in words, as the summary table and the viewer show it.
import type { AlignmentView } from '../../shared/api';
import { formatCount } from './format';

/** "+1 −0 ~3": hunks by kind (insert, delete, replace). */
export function hunkBadge(a: AlignmentView): string {
  return `+${a.counts.insert} −${a.counts.delete} ~${a.counts.replace}`;
}

/** Whether, and where, the streams come back in step. */
export function alignmentSummary(a: AlignmentView): string {
  if (!a.aligned && a.stoppedAt)
    return `not realigned after canary ${formatCount(a.stoppedAt.canary)} / ours ${formatCount(a.stoppedAt.ours)}: the streams differ too much`;
  if (a.hunks === 0) return 'equal all through (tid_event_idx aside)';
  if (a.backInStep) return `back in step from canary ${formatCount(a.backInStep.canary)} / ours ${formatCount(a.backInStep.ours)} to the end`;
  return 'not back in step before a thread ends';
}

/** Short, for the summary table's cell. */
export function inStepShort(a: AlignmentView): string {
  if (!a.aligned) return 'gave up';
  if (a.hunks === 0) return '—';
  if (a.backInStep) return `c ${formatCount(a.backInStep.canary)} / o ${formatCount(a.backInStep.ours)}`;
  return 'no';
}
