// Crash safety, tested by killing (SIGKILL) at the moments that matter:
// during an ingest, during bookmark saves, during "Save session as". After
// each kill the state must be whole: the index complete or rebuilt cleanly,
// every bookmark the user was shown as saved present, a session file either
// the old one or the new one.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePair } from '../../src/main/generator/generateLogs';
import { readSessionFile } from '../../src/main/sessions/sessionFile';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'bin/lockstep');
const dir = mkdtempSync(join(tmpdir(), 'crash-'));
const canary = join(dir, 'canary.jsonl');
const ours = join(dir, 'ours.jsonl');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  // Large enough for worker ingest and a kill that lands mid-way.
  generatePair(canary, ours, { seed: 'crash', eventsPerThread: 40000, threads: 4, profile: 'realistic', divergences: 2 });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function diff(db: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [CLI, 'diff', '--canary', canary, '--ours', ours, '--db', db, '--quiet'], { encoding: 'utf8' });
}

describe('SIGKILL', () => {
  it('during an ingest: the next run rebuilds cleanly and prints the same report', async () => {
    const clean = diff(join(dir, 'clean.sqlite'));
    expect(clean.status).toBe(0);
    for (const after of [150, 400, 800]) {
      const db = join(dir, `killed-${after}.sqlite`);
      const p = spawn(process.execPath, [CLI, 'diff', '--canary', canary, '--ours', ours, '--db', db, '--quiet'], { stdio: 'ignore' });
      // Listen before the kill: a run that finishes first must not leave this test waiting for an exit already past.
      const exited = new Promise((r) => p.once('exit', r));
      await sleep(after);
      p.kill('SIGKILL');
      await exited;
      const again = diff(db);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toBe(clean.stdout);
      const check = new Database(db, { readonly: true });
      expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
      expect((check.prepare("SELECT count(*) AS n FROM logs WHERE state != 'complete'").get() as { n: number }).n).toBe(0);
      check.close();
    }
  }, 180_000);

  describe('the workbench host', () => {
    let host: ChildProcess | null = null;
    let url = '';
    const data = join(dir, 'data');

    async function start(): Promise<void> {
      host = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', data], { stdio: ['ignore', 'pipe', 'inherit'] });
      url = await new Promise<string>((done, fail) => {
        let out = '';
        host!.stdout!.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /Lockstep workbench: (\S+)/.exec(out);
          if (m) done(m[1]!);
        });
        host!.once('exit', (c) => fail(new Error(`serve exited ${c}`)));
      });
    }

    async function kill(): Promise<void> {
      const h = host!;
      host = null;
      h.kill('SIGKILL');
      await new Promise((r) => h.once('exit', r));
    }

    async function call<T>(name: string, arg: unknown): Promise<T> {
      const r = await fetch(`${url}api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ arg }) });
      const body = (await r.json()) as { ok: boolean; value: T; error?: { message: string } };
      if (!body.ok) throw new Error(body.error!.message);
      return body.value;
    }

    afterAll(async () => {
      if (host) await kill();
    });

    it('during bookmark saves: every bookmark acknowledged before the kill is there after a restart', async () => {
      await start();
      const s = await call<{ id: string; pairs: { key: string }[] }>('session/open', { jobId: 'open', canaryPath: canary, oursPath: ours });
      const acknowledged: string[] = [];
      let stop = false;
      const writer = (async () => {
        for (let i = 0; !stop; i++) {
          try {
            const b = await call<{ id: string }>('bookmark/add', {
              sessionId: s.id,
              pairKey: s.pairs[0]!.key,
              view: 'aligned',
              row: i,
              title: `b${i}`,
              note: 'n'.repeat(2000),
            });
            acknowledged.push(b.id);
          } catch {
            return; // the host is gone
          }
        }
      })();
      await sleep(700);
      await kill();
      stop = true;
      await writer;
      expect(acknowledged.length).toBeGreaterThan(5);
      await start();
      const again = await call<{ bookmarks: { id: string }[] }>('session/open', { jobId: 'reopen', canaryPath: canary, oursPath: ours });
      const present = new Set(again.bookmarks.map((b) => b.id));
      expect(acknowledged.filter((id) => !present.has(id))).toEqual([]);
      await kill();
    }, 120_000);

    it('during "Save session as": the file is always the old one or the new one', async () => {
      await start();
      const s = await call<{ id: string; pairs: { key: string }[] }>('session/open', { jobId: 'open2', canaryPath: canary, oursPath: ours });
      const file = join(dir, 'triage.lockstep');
      await call('session/save-as', { sessionId: s.id, path: file });
      const before = readSessionFile(file).bookmarks.length;
      let stop = false;
      let saves = 0;
      const saver = (async () => {
        for (let i = 0; !stop; i++) {
          try {
            await call('bookmark/add', { sessionId: s.id, pairKey: s.pairs[0]!.key, view: 'aligned', row: i, title: `s${i}`, note: 'x'.repeat(20000) });
            await call('session/save-as', { sessionId: s.id, path: file });
            saves++;
          } catch {
            return;
          }
        }
      })();
      await sleep(900);
      await kill();
      stop = true;
      await saver;
      expect(saves).toBeGreaterThan(0);
      const after = readSessionFile(file); // throws if the file were torn
      expect(after.bookmarks.length).toBeGreaterThanOrEqual(before + saves);
    }, 120_000);
  });
});
