// Offer text as a file download from the page (the browser host has no save dialog).

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

/** A file name from a session name: "canary.jsonl ↔ ours.jsonl" -> "canary-ours.diff.md". */
export function reportFileName(sessionName: string): string {
  const stem = sessionName
    .replace(/\.jsonl\b/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${stem || 'lockstep'}.diff.md`;
}
