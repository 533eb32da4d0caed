// How python3 writes its standard streams, which decides what the reference
// prints for a string that holds a lone surrogate (a JSON "\udcff"). CPython
// 3.11 chooses the handlers at startup (Python/initconfig.c,
// config_init_stdio_encoding and config_get_stdio_errors; pylifecycle.c
// create_stdio): stderr always "backslashreplace"; stdout from
// PYTHONIOENCODING's ":errors" part, "strict" when it names only an encoding,
// else "surrogateescape" in UTF-8 mode (PYTHONUTF8=1, or the C/POSIX locale)
// and in the locales Python coerces to (C.UTF-8, C.utf8, UTF-8), and
// "strict" in any other locale (en_US.UTF-8 and the like).
//
// Not modelled: a locale named in the environment but not installed (Python
// falls back to C there: surrogateescape; Lockstep takes it as installed:
// strict), python3 -E / -I / -X utf8 (Lockstep cannot see the reference's
// flags), and encodings other than UTF-8 (a latin-1 locale or
// PYTHONIOENCODING=ascii: Lockstep writes UTF-8).
import type { PyEncodeErrors } from './codecs';

const HANDLERS: readonly PyEncodeErrors[] = [
  'strict',
  'surrogateescape',
  'surrogatepass',
  'replace',
  'ignore',
  'backslashreplace',
  'xmlcharrefreplace',
  'namereplace',
];

/** config_get_env: an empty variable counts as unset. */
function envVar(env: NodeJS.ProcessEnv, name: string): string | null {
  const v = env[name];
  return v === undefined || v === '' ? null : v;
}

/** setlocale(LC_CTYPE, ""): LC_ALL, then LC_CTYPE, then LANG; none of them is the C locale. */
function ctypeLocale(env: NodeJS.ProcessEnv): string {
  return envVar(env, 'LC_ALL') ?? envVar(env, 'LC_CTYPE') ?? envVar(env, 'LANG') ?? 'C';
}

/** The error handler of python3's sys.stdout under `env`. */
export function pythonStdoutErrors(env: NodeJS.ProcessEnv = process.env): PyEncodeErrors {
  const io = envVar(env, 'PYTHONIOENCODING');
  if (io !== null) {
    const colon = io.indexOf(':');
    const encoding = colon === -1 ? io : io.slice(0, colon);
    const errors = colon === -1 ? '' : io.slice(colon + 1);
    if (errors !== '') return (HANDLERS as readonly string[]).includes(errors) ? (errors as PyEncodeErrors) : 'strict';
    if (encoding !== '') return 'strict';
  }
  if (envVar(env, 'PYTHONUTF8') === '1') return 'surrogateescape';
  const locale = ctypeLocale(env);
  if (locale === 'C' || locale === 'POSIX') return 'surrogateescape';
  if (locale === 'C.UTF-8' || locale === 'C.utf8' || locale === 'UTF-8') return 'surrogateescape';
  return 'strict';
}
