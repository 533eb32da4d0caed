// Ingest progress on a terminal: one line per log, redrawn in place, with
// bytes, events per second and the time left. Silent when stderr is not a TTY
// (scripts and CI read stderr for warn: lines only).
import type { IngestProgress } from '../ingest/ingestLog';

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}k`;
  return String(n);
}

function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** One line describing a log's ingest, for the terminal and the workbench alike. */
function describeProgress(label: string, p: IngestProgress, width = 24): string {
  const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 1;
  const filled = Math.round(frac * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const secs = p.elapsedMs / 1000;
  const rate = secs > 0 ? p.events / secs : 0;
  const eta = frac > 0 && frac < 1 && secs > 0 ? formatDuration((p.elapsedMs / frac) * (1 - frac)) : frac >= 1 ? 'done' : '…';
  return `${label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}%  ${formatBytes(p.bytesDone)}/${formatBytes(p.bytesTotal)}  ${formatCount(Math.round(rate))} ev/s  ${eta === 'done' ? 'done' : `ETA ${eta}`}`;
}

export class TerminalProgress {
  private readonly lines = new Map<string, string>();
  private drawn = 0;
  private lastDraw = 0;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(label: string, p: IngestProgress): void {
    if (!this.enabled) return;
    this.lines.set(label, describeProgress(label, p));
    const now = Date.now();
    if (now - this.lastDraw < 80 && p.bytesDone < p.bytesTotal) return;
    this.lastDraw = now;
    this.draw();
  }

  private draw(): void {
    let s = this.drawn > 0 ? `\x1b[${this.drawn}A` : '';
    for (const l of this.lines.values()) s += `\r\x1b[2K${l.slice(0, (this.stream.columns || 100) - 1)}\n`;
    this.drawn = this.lines.size;
    this.stream.write(s);
  }

  /** Remove the bars, leaving the terminal as it was. */
  clear(): void {
    if (!this.enabled || this.drawn === 0) return;
    this.stream.write(`\x1b[${this.drawn}A` + '\r\x1b[2K\n'.repeat(this.drawn) + `\x1b[${this.drawn}A`);
    this.drawn = 0;
  }
}
