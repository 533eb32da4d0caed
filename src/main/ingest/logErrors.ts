// Errors about a log's content, each one line naming the file (and line).
//
// `exitStatus` is what the reference exits with for the same input: 1 both
// where it stops with a message (SystemExit) and where it dies of an
// exception (a traceback); Lockstep prints one clear line in both cases.
export class LogInputError extends Error {
  readonly exitStatus = 1;
  constructor(
    /** The path as the user gave it, normalized the way Python's pathlib prints it. */
    readonly file: string,
    readonly line: number | null,
    readonly reason: string,
  ) {
    super(line === null ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
  }
}

/**
 * The log's last line is cut short (a run that crashed while writing it): the
 * reference refuses the log, and so does Lockstep by default; the hosts offer
 * to use everything up to the last complete line (--accept-truncated).
 */
export class CutLogError extends LogInputError {}

/** A log is not what was indexed any more (rewritten, replaced, cut): nothing read from it is shown; index it again. */
export class LogChangedError extends LogInputError {
  constructor(file: string, line: number | null, what: string) {
    super(file, line, `the log changed since it was indexed (${what}); open it again to index it again`);
  }
}

/** The ingest was cancelled; nothing of it was kept. */
export class IngestCancelled extends Error {
  constructor() {
    super('ingest cancelled');
  }
}

/**
 * Python's str(pathlib.Path(arg)): repeated and trailing slashes and "."
 * components dropped (a leading "//" kept), "" and "./" become ".".
 */
export function pythonPathStr(arg: string): string {
  if (arg === '') return '.';
  const lead = arg.startsWith('//') && !arg.startsWith('///') ? '//' : arg.startsWith('/') ? '/' : '';
  const parts = arg.split('/').filter((p) => p !== '' && p !== '.');
  const s = lead + parts.join('/');
  return s === '' ? '.' : s;
}
