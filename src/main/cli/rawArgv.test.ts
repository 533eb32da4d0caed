import { describe, expect, it } from 'vitest';
import { pythonArgv } from './rawArgv';

/** /proc/self/cmdline of `node --stack-size=900 bin/lockstep …args`: NUL after each argument. */
function cmdline(...args: (string | Buffer)[]): Buffer {
  return Buffer.concat(['/usr/bin/node', '--stack-size=900', '/opt/lockstep/bin/lockstep', ...args].flatMap((a) => [Buffer.from(a), Buffer.of(0)]));
}

describe('the command line as Python decodes it', () => {
  const raw = Buffer.from([0x63, 0xff, 0x2e, 0x6a]); // c, 0xff, '.', j
  const lossy = raw.toString('utf8'); // what Node gives: 'c\ufffd.j'

  it('takes the bytes from /proc/self/cmdline where Node put U+FFFD, as surrogate escapes', () => {
    expect(pythonArgv(['diff', '--canary', lossy], () => cmdline('diff', '--canary', raw))).toEqual(['diff', '--canary', 'c\udcff.j']);
  });

  it('keeps a real U+FFFD (valid UTF-8) as it is', () => {
    expect(pythonArgv(['x\ufffd'], () => cmdline(Buffer.from('x\ufffd')))).toEqual(['x\ufffd']);
  });

  it("falls back to Node's arguments where /proc cannot be read or does not match them", () => {
    expect(
      pythonArgv([lossy], () => {
        throw new Error('ENOENT');
      }),
    ).toEqual([lossy]);
    expect(pythonArgv([lossy, 'b'], () => cmdline(raw, 'other'))).toEqual([lossy, 'b']);
    expect(pythonArgv([lossy, 'a', 'b'], () => Buffer.concat([raw, Buffer.of(0)]))).toEqual([lossy, 'a', 'b']);
  });

  it('does not read /proc when no argument lost a byte', () => {
    expect(
      pythonArgv(['diff', 'é'], () => {
        throw new Error('not read');
      }),
    ).toEqual(['diff', 'é']);
  });
});
