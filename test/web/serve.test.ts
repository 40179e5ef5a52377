import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { OptionError } from '../../src/errors.js';
import { main } from '../../src/cli/main.js';
import { startExplorerServer, type ExplorerServer } from '../../src/cli/commands/serve.js';

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A raw request: the path is sent exactly as given (fetch would normalize `..` away before it left). */
function get(served: ExplorerServer, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: served.host, port: served.port, path, method, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

describe('atrous serve', { timeout: 20_000 }, () => {
  let served: ExplorerServer;
  before(async () => {
    served = await startExplorerServer({ port: 0 });
  });
  after(async () => {
    await served?.close();
  });

  it('lets only the model inspector\'s worker evaluate code (protobufjs compiles its ONNX decoders)', async () => {
    const policy = async (path: string) => String((await get(served, path)).headers['content-security-policy']);
    assert.doesNotMatch(await policy('/'), /'unsafe-eval'/);
    assert.doesNotMatch(await policy('/explorer.js'), /'unsafe-eval'/);
    assert.doesNotMatch(await policy('/conv-worker.js'), /'unsafe-eval'/);
    assert.match(await policy('/inspector-worker.js'), /script-src 'self' 'wasm-unsafe-eval' 'unsafe-eval'/);
  });

  it('listens on 127.0.0.1 and serves the page with cross-origin isolation headers', async () => {
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(served, '/');
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(page.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.match(page.body, /<title>atrous explorer/);
  });

  it('serves the WASM kernels as application/wasm and the modules as JavaScript', async () => {
    const wasm = await get(served, '/conv-simd.wasm');
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers['content-type'], 'application/wasm');
    assert.equal(wasm.body.slice(0, 4), '\0asm');
    for (const file of ['/atrous.js', '/explorer.js', '/web-worker.js']) {
      const module = await get(served, file);
      assert.equal(module.status, 200, file);
      assert.equal(module.headers['content-type'], 'text/javascript; charset=utf-8', file);
    }
  });

  it('refuses paths that leave dist/web, however they are spelled', async () => {
    for (const path of ['/../package.json', '/../../package.json', '/%2e%2e/%2e%2e/package.json', '/..%2f..%2fpackage.json', '/%00index.html', '/../src/cli/commands/serve.js']) {
      const reply = await get(served, path);
      assert.equal(reply.status, 404, path);
      assert.doesNotMatch(reply.body, /"name": "atrous"/, path);
    }
  });

  it('answers only GET and HEAD', async () => {
    const post = await get(served, '/', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    const head = await get(served, '/atrous.js', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.ok(Number(head.headers['content-length']) > 100_000);
  });

  it('refuses to bind anything but a loopback address', async () => {
    await assert.rejects(startExplorerServer({ port: 0, host: '0.0.0.0' }), (error: unknown) => error instanceof OptionError && /not a loopback address/.test(error.message));
    let err = '';
    const code = await main(['serve', '--host', '0.0.0.0'], { out: () => undefined, err: (t) => { err += t; } });
    assert.equal(code, 2);
    assert.match(err, /atrous serve: --host "0\.0\.0\.0" is not a loopback address/);
  });

  it('says which port is taken instead of failing obscurely', async () => {
    await assert.rejects(startExplorerServer({ port: served.port }), (error: unknown) => error instanceof OptionError && /already in use/.test(error.message));
  });
});
