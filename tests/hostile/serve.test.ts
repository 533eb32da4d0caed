// The browser host against requests that once killed it, over real sockets to a
// real `lockstep serve`: after each, the host is still there and answers.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const ROOT = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'serve-hostile-'));
let host: ChildProcess;
let url: URL;
let exited: number | null = null;

beforeAll(async () => {
  host = spawn(process.execPath, [join(ROOT, 'bin/lockstep'), 'serve', '--port', '0', '--data-dir', join(dir, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
  host.once('exit', (c) => (exited = c ?? -1));
  url = new URL(
    await new Promise<string>((done, fail) => {
      let out = '';
      host.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /Lockstep workbench: (\S+)/.exec(out);
        if (m) done(m[1]!);
      });
      host.once('exit', (c) => fail(new Error(`serve exited ${c}`)));
    }),
  );
});
afterAll(() => {
  host.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

/** Send raw bytes, return what came back (until the host closes or a pause). */
function raw(text: string | Buffer): Promise<string> {
  return new Promise((done) => {
    const s = connect(Number(url.port), '127.0.0.1');
    let got = '';
    s.on('data', (b) => (got += b.toString('latin1')));
    s.on('close', () => done(got));
    s.on('error', () => done(got));
    s.write(text);
    setTimeout(() => s.destroy(), 1500);
  });
}

const hostHeader = (): string => `Host: 127.0.0.1:${url.port}\r\n`;

async function stillAnswers(): Promise<void> {
  expect(exited).toBeNull();
  const r = await fetch(new URL('api/app/info', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"arg":{}}' });
  expect(r.status).toBe(200);
  expect(((await r.json()) as { ok: boolean }).ok).toBe(true);
}

describe('lockstep serve survives', () => {
  it('a path with malformed percent-encoding, before the token is checked', async () => {
    const answer = await raw(`GET /%E0%A4%A/ HTTP/1.1\r\n${hostHeader()}Connection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await stillAnswers();
  });

  it('the same on the WebSocket upgrade path', async () => {
    const answer = await raw(
      `GET /%E0%A4%A/events HTTP/1.1\r\n${hostHeader()}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await stillAnswers();
  });

  it('an absolute-form request line with a URL that does not parse', async () => {
    const answer = await raw(`GET http://[bad/ HTTP/1.1\r\n${hostHeader()}Connection: close\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await stillAnswers();
  });

  it('a request line Node cannot parse at all', async () => {
    const answer = await raw('GARBAGE\x00\x01 / HTTP/9.9\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    await stillAnswers();
  });

  const events = (): string => `${url.href.replace(/^http/, 'ws')}events`;
  const openSocket = (): Promise<WebSocket> =>
    new Promise((done, fail) => {
      const ws = new WebSocket(events(), { headers: { Origin: url.origin } });
      ws.once('open', () => done(ws));
      ws.once('error', fail);
    });
  const closed = (ws: WebSocket): Promise<void> => new Promise((done) => ws.once('close', () => done()));

  it('a WebSocket frame over 64 KiB', async () => {
    const ws = await openSocket();
    const gone = closed(ws);
    ws.on('error', () => undefined);
    ws.send(Buffer.alloc(100 * 1024, 0x61));
    await gone;
    await stillAnswers();
  });

  it('a WebSocket text frame that is not UTF-8', async () => {
    const ws = await openSocket();
    const gone = closed(ws);
    ws.on('error', () => undefined);
    ws.send(Buffer.from([0xff, 0xfe, 0xc3, 0x28]), { binary: false });
    await gone;
    await stillAnswers();
  });
});
