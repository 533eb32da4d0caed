// Two hosts on one data directory: each wrote the session settings it held in
// memory, so one host's manual map was silently replaced by the other's
// canonicalize toggle. The second host now refuses, in one line naming the
// first; a lock left by a host that died (kill -9) is taken over.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirInUse, Workbench } from '../../src/main/service/workbench';

const ROOT = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'two-hosts-'));
const hosts: ChildProcess[] = [];
afterAll(() => {
  for (const h of hosts) h.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Start `lockstep serve`; resolves with its URL, or with its exit status and stderr when it stops first. */
function serve(data: string): Promise<{ host: ChildProcess; url: string | null; status: number | null; stderr: string }> {
  const host = spawn(process.execPath, [join(ROOT, 'bin/lockstep'), 'serve', '--port', '0', '--data-dir', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  hosts.push(host);
  let stderr = '';
  host.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((done) => {
    let out = '';
    host.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /Lockstep workbench: (\S+)/.exec(out);
      if (m) done({ host, url: m[1]!, status: null, stderr });
    });
    host.once('exit', (c) => done({ host, url: null, status: c, stderr }));
  });
}

async function answers(url: string): Promise<boolean> {
  const r = await fetch(new URL('api/app/info', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"arg":{}}' });
  return ((await r.json()) as { ok: boolean }).ok;
}

describe('one host per data directory', () => {
  it('a second lockstep serve on the same directory refuses in one line naming the first, which keeps answering', async () => {
    const data = join(dir, 'shared');
    const first = await serve(data);
    expect(first.url, first.stderr).not.toBeNull();
    const second = await serve(data);
    expect(second.url).toBeNull();
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(
        `^lockstep serve: the data directory ${data.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another Lockstep \\(lockstep serve, pid ${first.host.pid}, since [^)]+\\); close that one, or give this one another --data-dir .*\n$`,
      ),
    );
    expect(await answers(first.url!)).toBe(true);
    // The first dies without a word (kill -9): its lock is stale, and the next host takes it over.
    first.host.kill('SIGKILL');
    await new Promise((r) => first.host.once('exit', r));
    const third = await serve(data);
    expect(third.url, third.stderr).not.toBeNull();
    expect(await answers(third.url!)).toBe(true);
  });

  it('in one process too, until the first lets go', () => {
    const data = join(dir, 'in-process');
    const opts = { dataDir: data, host: 'browser' as const, version: 'test', demo: null };
    const a = new Workbench(opts);
    expect(() => new Workbench(opts)).toThrow(DataDirInUse);
    a.close();
    const b = new Workbench(opts);
    b.close();
  });
});
