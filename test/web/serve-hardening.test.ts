/**
 * Issue 17, item 12: the explorer server answers only for the address it serves (DNS rebinding gets 421), caps
 * connections, times out slow clients quickly, and every reply it makes — Node's own 400/431 included — carries
 * the security headers.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from 'node:http';
import { HEADERS_TIMEOUT_MS, MAX_CONNECTIONS, servedHosts, startExplorerServer, type ExplorerServer } from '../../src/cli/commands/serve.js';

/** Sends raw bytes and returns the whole reply as text (the server closes after errors). */
function raw(served: ExplorerServer, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(served.port, served.host);
    let reply = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => { reply += c; });
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
    socket.setTimeout(8000, () => { socket.destroy(); resolve(reply); });
    socket.write(text);
  });
}

function getWithHost(served: ExplorerServer, host: string | undefined): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = host === undefined ? {} : { Host: host };
    const req = request({ host: served.host, port: served.port, path: '/', headers, setHost: host !== undefined }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('atrous serve hardening', { timeout: 30_000 }, () => {
  let served: ExplorerServer;
  before(async () => { served = await startExplorerServer({ port: 0 }); });
  after(async () => { await served?.close(); });

  it('answers the served address under each loopback name', async () => {
    for (const host of servedHosts(served.port)) assert.equal((await getWithHost(served, host)).status, 200, host);
  });

  it('refuses any other Host with 421 and the security headers (DNS rebinding)', async () => {
    for (const host of ['attacker.example', `attacker.example:${served.port}`, '127.0.0.1', `127.0.0.1:${served.port + 1}`, `localhost.attacker.example:${served.port}`]) {
      const reply = await getWithHost(served, host);
      assert.equal(reply.status, 421, host);
      assert.equal(reply.headers['content-security-policy'] !== undefined, true, host);
      assert.equal(reply.headers['x-content-type-options'], 'nosniff');
    }
  });

  it('a request without Host gets 421', async () => {
    const reply = await raw(served, 'GET / HTTP/1.0\r\n\r\n');
    assert.match(reply, /^HTTP\/1\.[01] 421/);
  });

  it("Node's own 400 and 431 replies carry the security headers", async () => {
    const bad = await raw(served, 'NOT A REQUEST\r\n\r\n');
    assert.match(bad, /^HTTP\/1\.1 400 Bad Request/);
    assert.match(bad, /Content-Security-Policy: default-src 'self'/);
    assert.match(bad, /Cross-Origin-Opener-Policy: same-origin/);
    const huge = await raw(served, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${served.port}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(huge, /^HTTP\/1\.1 431 Request Header Fields Too Large/);
    assert.match(huge, /X-Content-Type-Options: nosniff/);
  });

  it('caps connections and times out clients that never finish their headers', async () => {
    assert.equal(served.server.maxConnections, MAX_CONNECTIONS);
    assert.equal(served.server.headersTimeout, HEADERS_TIMEOUT_MS);
    assert.ok(served.server.requestTimeout > 0 && served.server.requestTimeout <= 2 * HEADERS_TIMEOUT_MS);
    const slow = connect(served.port, served.host);
    slow.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const closed = await new Promise<string>((resolve) => {
      let reply = '';
      slow.setEncoding('latin1');
      slow.on('data', (c: string) => { reply += c; });
      slow.on('close', () => resolve(reply));
    });
    assert.match(closed, /^(HTTP\/1\.1 408 Request Timeout[\s\S]*Content-Security-Policy|)/);
  });
});
