// Logs that are not regular files. The CLI reads a pipe as the reference does
// (`--canary <(zcat a.jsonl.gz)`), once, into a temporary copy. The workbench
// refuses a FIFO or a device in one line, at once, without blocking the host
// (opening a FIFO blocks until someone writes to it). A data directory that
// cannot be made, and a session file that is a device, each get one line.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePair } from '../../src/main/generator/generateLogs';
import { Workbench } from '../../src/main/service/workbench';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'bin/lockstep');
const dir = mkdtempSync(join(tmpdir(), 'pipes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
generatePair(canary, ours, { seed: 'pipes', eventsPerThread: 2000, threads: 3, profile: 'realistic', divergences: 2 });

describe('pipes and devices', () => {
  it('lockstep diff reads logs given as pipes, and prints what it prints for the files', () => {
    const files = spawnSync(process.execPath, [CLI, 'diff', '--canary', canary, '--ours', ours, '--quiet'], { encoding: 'utf8' });
    expect(files.status, files.stderr).toBe(0);
    const piped = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" diff --canary <(cat "${canary}") --ours <(cat "${ours}") --quiet`], {
      encoding: 'utf8',
    });
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout).toBe(files.stdout);
    const json = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" diff --canary <(cat "${canary}") --ours "${ours}" --format json --quiet`], {
      encoding: 'utf8',
    });
    expect(json.status, json.stderr).toBe(0);
    expect((JSON.parse(json.stdout) as { pairs: unknown[] }).pairs.length).toBeGreaterThan(0);
  });

  it('the workbench refuses a FIFO at once, in one line, and keeps answering', async () => {
    const fifo = join(dir, 'log.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const w = new Workbench({ dataDir: join(dir, 'data'), host: 'browser', version: 'test', demo: null });
    try {
      const started = Date.now();
      const r = await w.handle('session/open', { jobId: 'fifo', canaryPath: fifo, oursPath: ours });
      expect(Date.now() - started).toBeLessThan(5000); // it did not wait for a writer
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('input');
        expect(r.error.message).toBe(`${fifo}: is not a regular file (a pipe or a device): give the workbench a log file`);
      }
      const dev = await w.handle('session/open-file', { jobId: 'zero', path: '/dev/zero' });
      expect(dev.ok).toBe(false);
      if (!dev.ok) expect(dev.error.message).toBe('/dev/zero: not a regular file (a pipe or a device), not a session file');
      expect((await w.handle('app/info', {})).ok).toBe(true);
    } finally {
      w.close();
    }
  });

  it('lockstep serve with a data directory it cannot make says so in one line', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    const p = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', join(file, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const code = await new Promise<number | null>((done) => p.once('exit', done));
    expect(code).toBe(1);
    expect(err).toBe(
      `lockstep serve: cannot use the data directory ${join(file, 'data')}: a file stands where a directory should be; choose another with --data-dir (or LOCKSTEP_DATA_DIR)\n`,
    );
  });
});
