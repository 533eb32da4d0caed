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
