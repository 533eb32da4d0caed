// Offer text as a file download from the page (the browser host has no save dialog).
import type { ReportFormat } from '../../shared/api';

export function offerDownload(fileName: string, text: string, type = 'text/markdown;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers; a minute is plenty.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export interface ReportFormatInfo {
  format: ReportFormat;
  label: string;
  detail: string;
  /** The file name's ending, without the stem. */
  suffix: string;
  extension: string;
  mime: string;
}

/** The four exports, in the menu's order. */
export const REPORT_FORMATS: readonly ReportFormatInfo[] = [
  {
    format: 'reference-md',
    label: 'Reference Markdown',
    detail: 'byte for byte what lockstep diff prints',
    suffix: '.diff.md',
    extension: 'md',
    mime: 'text/markdown;charset=utf-8',
  },
  {
    format: 'annotated-md',
    label: 'Markdown with notes',
    detail: 'the reference report, bookmarks and notes under their pairs',
    suffix: '.notes.md',
    extension: 'md',
    mime: 'text/markdown;charset=utf-8',
  },
  {
    format: 'html',
    label: 'HTML page',
    detail: 'one self-contained page, differing fields highlighted',
    suffix: '.html',
    extension: 'html',
    mime: 'text/html;charset=utf-8',
  },
  {
    format: 'json',
    label: 'JSON',
    detail: 'for other tools: every pair, divergence and bookmark',
    suffix: '.json',
    extension: 'json',
    mime: 'application/json;charset=utf-8',
  },
];

export function reportFormatInfo(format: ReportFormat): ReportFormatInfo {
  return REPORT_FORMATS.find((f) => f.format === format)!;
}

/** A file stem from a session name: "canary.jsonl ↔ ours.jsonl" -> "canary-ours". */
export function sessionFileStem(sessionName: string): string {
  const stem = sessionName
    .replace(/\.jsonl\b/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return stem || 'lockstep';
}

/** "canary.jsonl ↔ ours.jsonl" -> "canary-ours.diff.md" (or the format's own ending). */
export function reportFileName(sessionName: string, format: ReportFormat = 'reference-md'): string {
  return `${sessionFileStem(sessionName)}${reportFormatInfo(format).suffix}`;
}
