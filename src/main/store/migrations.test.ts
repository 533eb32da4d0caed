import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDb } from './db';
import { MIGRATIONS } from './migrations';

const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tables(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

describe('migrations', () => {
  it('bring a new database to the newest schema, and reopening changes nothing', () => {
    const path = join(dir, 'new.sqlite');
    openDb(path).close();
    const db = openDb(path);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
    expect(tables(path)).toEqual(expect.arrayContaining(['blocks', 'logs', 'threads']));
  });

  it('refuse an index written by a newer Lockstep, with a message that says so', () => {
    const path = join(dir, 'newer.sqlite');
    const raw = new Database(path);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    expect(() => openDb(path)).toThrow(/newer Lockstep/);
  });

  it('run each step in its own transaction: a failing step leaves the earlier ones and no half step', () => {
    const path = join(dir, 'half.sqlite');
    const raw = new Database(path);
    // A table that step 1 wants to create already exists: step 1 fails and must roll back entirely.
    raw.exec('CREATE TABLE threads (x)');
    raw.close();
    expect(() => openDb(path)).toThrow(/already exists/);
    const after = new Database(path, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(0);
    after.close();
    expect(tables(path)).toEqual(['threads']);
  });
});
