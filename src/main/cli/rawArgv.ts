// The command line as Python sees it. Node decodes each argument as UTF-8 and
// turns bytes that are not UTF-8 into U+FFFD, so a log named with a byte 0xff
// would be a different (missing) file, and `--out` would write elsewhere.
// Python decodes them with surrogateescape (os.fsdecode): every such byte
// becomes a lone surrogate U+DC80..U+DCFF, and the path is its exact bytes
// again where it meets the file system (py/codecs.ts fsPath). On Linux the
// raw bytes are in /proc/self/cmdline; elsewhere (or when it cannot be read,
// or does not end with what Node was given) the arguments are Node's.
import { readFileSync } from 'node:fs';
import { decodeSurrogateEscape } from '../py/codecs';

/** The NUL-terminated arguments of /proc/self/cmdline, as bytes. */
function splitCmdline(raw: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0) {
      out.push(raw.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < raw.length) out.push(raw.subarray(start));
  return out;
}

/**
 * The user's arguments (`process.argv.slice(2)`), each decoded as Python
 * decodes sys.argv. `readCmdline` is for tests.
 */
export function pythonArgv(argv: readonly string[] = process.argv.slice(2), readCmdline: () => Buffer = () => readFileSync('/proc/self/cmdline')): string[] {
  if (!argv.some((a) => a.includes('\ufffd'))) return [...argv];
  let raw: Buffer[];
  try {
    raw = splitCmdline(readCmdline());
  } catch {
    return [...argv]; // not Linux, or no /proc
  }
  // The user's arguments are the last ones (before them: node, its options, the script).
  const tail = raw.slice(raw.length - argv.length);
  if (tail.length !== argv.length || tail.some((b, i) => b.toString('utf8') !== argv[i])) return [...argv];
  return tail.map(decodeSurrogateEscape);
}
