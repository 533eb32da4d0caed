// The browser host of `lockstep serve`: the workbench's renderer and its
// contract over HTTP (requests) and a WebSocket (pushed events), on
// 127.0.0.1 only. Everything lives under a random per-run token path
// (http://127.0.0.1:PORT/TOKEN/), so every request carries the token, and
// foreign Host and Origin headers are refused (DNS rebinding, other sites).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Workbench } from '../service/workbench';

export interface HttpHostOptions {
  workbench: Workbench;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  /** Fixed token (tests); random otherwise. */
  token?: string;
}

export interface HttpHost {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const MAX_BODY = 1 << 20;

function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function startHttpHost(opts: HttpHostOptions): Promise<HttpHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = realpathSync(resolve(opts.rendererDir));
  let port = 0;
  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);

  const send = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    res.end(body);
  };

  /**
   * Host, token and (when sent) Origin: what every request must pass. Returns
   * the path after the token. A path that cannot be parsed or decoded (an
   * absolute-form request line, malformed percent-encoding) is a 400, checked
   * before anything else and never an exception.
   */
  const admit = (req: IncomingMessage): { rest: string; pathname: string } | { status: number; why: string } => {
    if (!allowedHosts().includes(req.headers.host ?? '')) return { status: 421, why: 'unexpected Host header' };
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin)) return { status: 403, why: 'foreign Origin' };
    const raw = req.url ?? '/';
    if (!raw.startsWith('/')) return { status: 400, why: 'bad request target' };
    let pathname: string;
    let first: string;
    try {
      pathname = new URL(raw, 'http://127.0.0.1').pathname;
      first = decodeURIComponent(pathname.split('/')[1] ?? '');
    } catch {
      return { status: 400, why: 'bad request path' };
    }
    const parts = pathname.split('/');
    if (parts.length < 2 || !sameToken(first, token)) return { status: 403, why: 'forbidden' };
    return { rest: parts.slice(2).join('/'), pathname };
  };

  /** Whatever goes wrong while answering, the host answers (500) and lives: one request never takes it down. */
  const answerFailure = (res: ServerResponse, e: unknown): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const message = e instanceof RangeError ? 'the answer is too large to send' : `internal error: ${(e as Error)?.message ?? String(e)}`;
    send(res, 500, JSON.stringify({ ok: false, error: { code: 'internal', message } }), 'application/json');
  };

  const serveFile = (res: ServerResponse, rest: string): void => {
    const rel = rest === '' ? 'index.html' : rest;
    let file: string;
    try {
      file = resolve(root, decodeURIComponent(rel));
    } catch {
      return send(res, 400, 'bad path');
    }
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return send(res, 404, 'not found');
    const real = realpathSync(file);
    if (!real.startsWith(root + sep)) return send(res, 404, 'not found');
    const type = TYPES[extname(real)] ?? 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': extname(real) === '.html' ? 'no-store' : 'private, max-age=3600',
    });
    res.end(readFileSync(real));
  };

  const serveApi = (req: IncomingMessage, res: ServerResponse, name: string): void => {
    if (req.method !== 'POST') return send(res, 405, 'POST only');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return send(res, 415, 'application/json only');
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        tooBig = true;
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      if (tooBig) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, JSON.stringify({ ok: false, error: { code: 'bad-request', message: 'the body is not JSON' } }), 'application/json');
      }
      const arg = typeof body === 'object' && body !== null && 'arg' in body ? (body as { arg: unknown }).arg : undefined;
      opts.workbench.handle(name, arg).then(
        (result) => {
          let text: string;
          try {
            text = JSON.stringify(result);
          } catch (e) {
            // A string too long for V8, a value that does not serialize: a typed error, not a dead host.
            return answerFailure(res, e);
          }
          send(res, 200, text, 'application/json');
        },
        (e: unknown) => answerFailure(res, e),
      );
    });
    req.on('close', () => {
      if (tooBig && !res.headersSent) send(res, 413, 'request too large');
    });
  };

  const server = createServer((req, res) => {
    try {
      const a = admit(req);
      if ('status' in a) return send(res, a.status, a.why);
      if (a.pathname === `/${token}`) {
        res.writeHead(301, { Location: `/${token}/` });
        return res.end();
      }
      if (a.rest.startsWith('api/')) return serveApi(req, res, a.rest.slice(4));
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET only');
      return serveFile(res, a.rest);
    } catch (e) {
      answerFailure(res, e);
    }
  });
  // A request line or headers Node cannot parse: 400 and close, the host goes on.
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Set<WebSocket>();
  const unsubscribe = opts.workbench.onEvent((event, payload) => {
    const msg = JSON.stringify({ event, payload });
    for (const c of clients) if (c.readyState === c.OPEN) c.send(msg);
  });
  server.on('upgrade', (req, socket: Socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      const a = admit(req);
      if ('status' in a || a.rest !== 'events') {
        socket.end(`HTTP/1.1 ${'status' in a ? a.status : 404} ${'status' in a ? a.why : 'not found'}\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        clients.add(ws);
        ws.on('close', () => clients.delete(ws));
        // An oversized or invalid frame is an 'error' on the socket: close it, never the host.
        ws.on('error', () => {
          clients.delete(ws);
          ws.terminate();
        });
        ws.on('message', () => ws.close(1008, 'this socket only carries events to the page'));
      });
    } catch {
      socket.destroy();
    }
  });

  return new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(opts.port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      done({
        url: `http://127.0.0.1:${port}/${token}/`,
        port,
        token,
        close: () =>
          new Promise<void>((closed) => {
            unsubscribe();
            for (const c of clients) c.terminate();
            wss.close();
            server.closeAllConnections();
            server.close(() => closed());
          }),
      });
    });
  });
}
