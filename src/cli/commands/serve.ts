import { realpathSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, sep } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { OptionError } from '../../errors.js';
import { parseArgs, parseInteger } from '../args.js';
import { UsageError, type Command, type CommandIO } from '../command.js';

/** dist/web/, built by `npm run build` (scripts/build-web.mjs); this file runs from dist/src/cli/commands/. */
export const EXPLORER_ROOT = fileURLToPath(new URL('../../../web/', import.meta.url));

/** Names that reach this machine only; the page is never offered to the network. */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '::1'];

const DEFAULT_PORT = 8080;

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
};

/**
 * Sent with every response. COOP + COEP make the page cross-origin isolated, so SharedArrayBuffer and the shared-memory
 * WASM builds are available; the content security policy lets the page load only what this server serves (WASM
 * compilation included) and connect nowhere else.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-cache',
};

/** Connections served at once; more are closed on arrival, so slow clients cannot use up file descriptors. */
export const MAX_CONNECTIONS = 128;
/** A client must send its headers within this many ms, and the whole request within {@link REQUEST_TIMEOUT_MS}. */
export const HEADERS_TIMEOUT_MS = 5_000;
export const REQUEST_TIMEOUT_MS = 10_000;

/**
 * The model inspector's worker reads ONNX files with protobufjs, which compiles its decoders from atrous's own
 * ONNX schema with `new Function` (never from the file's bytes). Only that worker's script gets 'unsafe-eval';
 * the page and every other script keep the strict policy.
 */
const EVAL_SCRIPTS = new Set(['inspector-worker.js']);
const EVAL_POLICY = SECURITY_HEADERS['Content-Security-Policy'].replace("script-src 'self' 'wasm-unsafe-eval'", "script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'");

/** Where to listen and what to serve. */
export interface ExplorerServerOptions {
  /** 0 picks a free port. */
  port?: number;
  /** One of {@link LOOPBACK_HOSTS}. */
  host?: string;
  /** Folder served (default {@link EXPLORER_ROOT}). */
  root?: string;
}

/** A running explorer server. */
export interface ExplorerServer {
  url: string;
  port: number;
  host: string;
  root: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Serves the explorer page (dist/web) on a loopback address: GET and HEAD only, files inside the root only (paths
 * that leave it, through `..` or a symbolic link, get 404), MIME types that browsers insist on (`application/wasm`
 * for streaming compilation), and cross-origin isolation headers.
 *
 * @example
 * const served = await startExplorerServer({ port: 0 });
 * console.log(served.url); // http://127.0.0.1:41234/
 * await served.close();
 */
export async function startExplorerServer(options: ExplorerServerOptions = {}): Promise<ExplorerServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.includes(host)) {
    throw new OptionError('startExplorerServer', 'host', `host ${JSON.stringify(host)} is not a loopback address; the explorer is served to this machine only: use ${LOOPBACK_HOSTS.join(', ')}`);
  }
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new OptionError('startExplorerServer', 'port', `port ${JSON.stringify(port)} must be an integer from 0 (any free port) to 65535`);
  }
  const root = explorerRoot(options.root ?? EXPLORER_ROOT);
  let allowedHosts: string[] = [];
  const server = createServer({
    headersTimeout: HEADERS_TIMEOUT_MS,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: HEADERS_TIMEOUT_MS,
    // How often the two timeouts above are checked (Node's default, 30 s, would let slow sockets pile up).
    connectionsCheckingInterval: 1_000,
  }, (request, response) => {
    if (!allowedHosts.includes((request.headers.host ?? '').toLowerCase())) {
      send(response, 421, `this server answers only for ${allowedHosts.join(', ')}`);
      return;
    }
    respond(root, request, response).catch(() => send(response, 500, 'internal error'));
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => answerClientError(error, socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE'
        ? new OptionError('startExplorerServer', 'port', `port ${port} on ${host} is already in use; choose another with --port N (0 picks a free one)`)
        : error);
    });
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  allowedHosts = servedHosts(bound);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}/`;
  return {
    url, port: bound, host, root, server,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/**
 * The `Host` headers this server answers: the loopback names with the bound port. Any other name (a DNS
 * rebinding attack points `attacker.example` at 127.0.0.1) gets 421, so a web page elsewhere cannot read it.
 *
 * @example servedHosts(8080) // ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']
 */
export function servedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
}

/**
 * Node's parser refused a request (malformed, headers too large, too slow): answer as Node would (400, 431, 408),
 * but with the security headers every reply of this server carries.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason] = error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large']
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout']
    : [400, 'Bad Request'];
  const headers = Object.entries({ ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(reason.length + 1), Connection: 'close' });
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${reason}\n`);
}

function explorerRoot(folder: string): string {
  try {
    const root = realpathSync(folder);
    realpathSync(join(root, 'index.html'));
    return root;
  } catch {
    throw new OptionError('startExplorerServer', 'root', `no explorer page in ${JSON.stringify(folder)}; build it with npm run build (it writes dist/web/)`);
  }
}

async function respond(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    send(response, 405, 'only GET and HEAD are served');
    return;
  }
  const file = await resolveFile(root, request.url ?? '/');
  if (file === null) {
    send(response, 404, 'not found');
    return;
  }
  const body = await readFile(file);
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    ...(EVAL_SCRIPTS.has(basename(file)) ? { 'Content-Security-Policy': EVAL_POLICY } : {}),
    'Content-Type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': body.length,
  });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/** The file a request path names inside `root`, or null when it names nothing there (or something outside it). */
async function resolveFile(root: string, target: string): Promise<string | null> {
  let path: string;
  try {
    path = decodeURIComponent(new URL(target, 'http://loopback').pathname);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  const relative = path === '/' ? 'index.html' : path.slice(1);
  try {
    const file = await realpath(join(root, relative));
    if (!file.startsWith(root + sep)) return null;
    return (await stat(file)).isFile() ? file : null;
  } catch {
    return null;
  }
}

function send(response: ServerResponse, status: number, message: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(`${message}\n`);
}

const usage = `atrous serve — the explorer page on this machine (receptive fields, gridding, schedules, a conv timed in the browser)

usage:
  atrous serve [--port N] [--host 127.0.0.1] [--json]

options:
  --port N      port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H      loopback address to bind: ${LOOPBACK_HOSTS.join(', ')} (default 127.0.0.1); nothing else is allowed
  --json        print { "url", "host", "port", "root" } as one line of JSON

Serves dist/web (built by npm run build) until interrupted (Ctrl-C), with the cross-origin isolation headers that
shared WebAssembly memory needs. Requests must name the served address in Host (127.0.0.1:PORT, localhost:PORT or
[::1]:PORT); any other Host gets 421, so pages elsewhere cannot reach the server through DNS rebinding.`;

/** `atrous serve`: the explorer page on a loopback address until SIGINT/SIGTERM. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'the explorer page on 127.0.0.1 (receptive field, gridding, schedules, conv timed in the browser)',
  usage,
  async run(args: string[], io: CommandIO): Promise<number> {
    const parsed = parseArgs(args, ['port', 'host'], ['json']);
    if (parsed.positional.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positional[0])}; see atrous serve --help`);
    const portText = parsed.flags.get('port');
    const port = portText === undefined ? DEFAULT_PORT : parseInteger('port', portText, 0);
    if (port > 65535) throw new UsageError(`--port ${port} must be at most 65535 (0 picks a free port)`);
    const host = parsed.flags.get('host') ?? '127.0.0.1';
    if (!LOOPBACK_HOSTS.includes(host)) throw new UsageError(`--host ${JSON.stringify(host)} is not a loopback address; the explorer is served to this machine only: use ${LOOPBACK_HOSTS.join(', ')}`);
    const served = await startExplorerServer({ port, host });
    io.out(parsed.switches.has('json')
      ? JSON.stringify({ url: served.url, host: served.host, port: served.port, root: served.root })
      : `atrous explorer: ${served.url}  (serving ${served.root}; Ctrl-C stops)`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await served.close();
    return 0;
  },
};
