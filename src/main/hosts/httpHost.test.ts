// The browser host's boundary, attacked over real sockets: the token on every
// request, foreign Host and Origin headers, path traversal, malformed and
// oversized requests, and fuzzed arguments for every request of the contract.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { REQUEST_SCHEMAS } from '../../shared/requestSchemas';
import { Workbench } from '../service/workbench';
import { startHttpHost, type HttpHost } from './httpHost';

const dir = mkdtempSync(join(tmpdir(), 'httphost-'));
const renderer = join(dir, 'renderer');
let workbench: Workbench;
let host: HttpHost;

beforeAll(async () => {
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Lockstep</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'top secret');
  workbench = new Workbench({ dataDir: join(dir, 'data'), host: 'browser', version: 'test', demo: null });
  host = await startHttpHost({ workbench, rendererDir: renderer, port: 0 });
});

afterAll(async () => {
  await host.close();
  workbench.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A raw request, so that Host and Origin can be anything. */
function raw(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((done, fail) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: host.port, path, method: opts.method ?? 'GET', headers: { host: `127.0.0.1:${host.port}`, ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      },
    );
    req.on('error', fail);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const api = (name: string, arg: unknown, headers: Record<string, string> = {}): Promise<Answer> =>
  raw(`/${host.token}/api/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ arg }) });

describe('the browser host', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(host.url.startsWith(`http://127.0.0.1:${host.port}/`)).toBe(true);
  });

  it('serves its page with a CSP, under the token only', async () => {
    const ok = await raw(`/${host.token}/`);
    expect(ok.status).toBe(200);
    expect(String(ok.headers['content-security-policy'])).toMatch(/default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/);
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    for (const path of ['/', '/index.html', `/${host.token.slice(0, -1)}x/`, '/assets/app.js', `/${host.token}x/`, `/x${host.token}/`]) {
      expect((await raw(path)).status, path).toBe(403);
    }
    expect((await raw(`/${host.token}`)).status).toBe(301);
  });

  it('refuses foreign Host headers (DNS rebinding) and foreign Origins', async () => {
    for (const h of ['evil.example', `evil.example:${host.port}`, `127.0.0.1:${host.port + 1}`, '127.0.0.1']) {
      expect((await raw(`/${host.token}/`, { headers: { host: h } })).status, h).toBe(421);
    }
    expect((await api('app/info', {}, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await api('app/info', {}, { origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
    expect((await api('app/info', {}, { origin: `http://localhost:${host.port}` })).status).toBe(200);
  });

  it('serves nothing outside its own files (no path traversal)', async () => {
    const attempts = [
      '../secret.txt',
      '..%2fsecret.txt',
      '%2e%2e/secret.txt',
      '%2e%2e%2fsecret.txt',
      'assets/../../secret.txt',
      'assets/%2e%2e/%2e%2e/secret.txt',
      '..%5csecret.txt',
      '%252e%252e/secret.txt',
      '/etc/passwd',
      '%2fetc%2fpasswd',
      'assets/app.js%00.html',
    ];
    for (const a of attempts) {
      const r = await raw(`/${host.token}/${a}`);
      expect(r.status, a).not.toBe(200);
      expect(r.body).not.toContain('top secret');
      expect(r.body).not.toContain('root:');
    }
    expect((await raw(`/${host.token}/assets/app.js`)).status).toBe(200);
  });

  it('answers malformed, oversized and unknown requests with typed errors, never a crash', async () => {
    const notJson = await raw(`/${host.token}/api/app/info`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect((await raw(`/${host.token}/api/app/info`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })).status).toBe(415);
    expect((await raw(`/${host.token}/api/app/info`)).status).toBe(405);
    const big = await raw(`/${host.token}/api/app/info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(2 << 20, 0x20),
    }).catch(() => ({ status: 413, body: '', headers: {} }));
    expect(big.status).toBe(413);
    const unknown = JSON.parse((await api('no/such', {})).body);
    expect(unknown).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(JSON.parse((await api('app/info', {})).body).ok).toBe(true); // and it is still serving
  });

  it('gives every request of the contract a typed answer for any argument (fuzzed)', async () => {
    const names = Object.keys(REQUEST_SCHEMAS);
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const args = fc.oneof(
      anyJson,
      fc.record(
        { sessionId: fc.string(), pairKey: fc.string(), from: fc.integer(), count: fc.integer(), jobId: fc.string(), path: fc.string() },
        { requiredKeys: [] },
      ),
    );
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), args, async (name, arg) => {
        const r = await api(name, arg);
        expect(r.status).toBe(200);
        const body = JSON.parse(r.body) as { ok: boolean; error?: { code: string; message: string } };
        if (!body.ok) {
          expect(['bad-request', 'not-found', 'input', 'cancelled', 'conflict', 'no-mapping']).toContain(body.error!.code);
          expect(body.error!.message).not.toMatch(/\n\s+at /);
          seen.add(body.error!.code);
        }
      }),
      { seed: 424242, numRuns: 600 },
    );
    expect(seen.has('bad-request')).toBe(true);
  });

  it('requires the token on the WebSocket too', async () => {
    const opened = (url: string, origin?: string): Promise<boolean> =>
      new Promise((done) => {
        const ws = new WebSocket(url, origin ? { origin } : {});
        ws.on('open', () => {
          ws.close();
          done(true);
        });
        ws.on('error', () => done(false));
        ws.on('unexpected-response', () => done(false));
      });
    expect(await opened(`ws://127.0.0.1:${host.port}/${host.token}/events`)).toBe(true);
    expect(await opened(`ws://127.0.0.1:${host.port}/events`)).toBe(false);
    expect(await opened(`ws://127.0.0.1:${host.port}/wrong/events`)).toBe(false);
    expect(await opened(`ws://127.0.0.1:${host.port}/${host.token}/events`, 'http://evil.example')).toBe(false);
  });
});
