import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import * as nodeEntry from '../../src/index.js';
import * as browserEntry from '../../src/browser.js';
import { startExplorerServer, type ExplorerServer } from '../../src/cli/commands/serve.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
/** Bound on every wait in the page, so a broken page fails the test instead of hanging the suite. */
const WAIT_MS = 10_000;

/** What the Node entry has and the browser entry must not: they read files or load resvg's native binary. */
const NODE_ONLY = ['FONT_INSTALL_HINT', 'encodeGif', 'externalDataFromDirectory', 'findFontFiles', 'loadOnnxFile', 'svgToPng', 'svgToRgba'];

interface Metafile {
  inputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
  outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

describe('the browser bundle', () => {
  it('pulls in no node: module and leaves no import behind but the page\'s own bundle', () => {
    const metaPath = new URL('../../web-meta.json', import.meta.url);
    assert.ok(existsSync(metaPath), 'dist/web-meta.json is missing: run npm run build (scripts/build-web.mjs writes it)');
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Record<'library' | 'worker' | 'page', Metafile>;
    for (const [name, file] of Object.entries(meta)) {
      const inputs = Object.keys(file.inputs);
      assert.ok(inputs.length > 0, name);
      assert.deepEqual(inputs.filter((path) => path.startsWith('node:')), [], `${name} bundles a Node built-in`);
      const nodeImports = Object.entries(file.inputs).flatMap(([path, input]) => input.imports.filter((i) => i.path.startsWith('node:')).map((i) => `${path} → ${i.path}`));
      assert.deepEqual(nodeImports, [], `${name} imports a Node built-in`);
      const left = Object.values(file.outputs).flatMap((output) => output.imports.map((i) => i.path));
      assert.deepEqual(left.filter((path) => name !== 'page' || path !== './atrous.js'), [], `${name} bundle imports more than the library bundle`);
    }
    assert.ok(Object.keys(meta.library.inputs).includes('src/kernels/wasm/wasm-module.ts'), 'the WASM loader is in the bundle');
  });

  it('exports everything the Node entry does except the file and native helpers', () => {
    const missing = Object.keys(nodeEntry).filter((name) => !(name in browserEntry)).sort();
    assert.deepEqual(missing, NODE_ONLY);
    assert.deepEqual(Object.keys(browserEntry).filter((name) => !(name in nodeEntry)), []);
  });
});

describe('the explorer page in Chromium', { timeout: 60_000 }, () => {
  let served: ExplorerServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let profile: string | undefined;
  const problems: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing; install Debian's Chromium with: apt-get install -y chromium`);
    served = await startExplorerServer({ port: 0 });
    profile = mkdtempSync(join(tmpdir(), 'atrous-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 20_000, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(WAIT_MS);
    page = context.pages()[0] ?? await context.newPage();
    const origin = served.url;
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => { if (message.type() === 'error') problems.push(`console error: ${message.text()}`); });
    page.on('request', (req) => { if (!req.url().startsWith(origin) && !req.url().startsWith('data:')) problems.push(`request outside ${origin}: ${req.url()}`); });
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
    page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`); });
    await page.goto(served.url, { timeout: WAIT_MS, waitUntil: 'load' });
  });

  after(async () => {
    // Bounded: a wedged browser must fail this file, not hold the suite open.
    await Promise.race([context?.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    await served?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  async function typeSchedule(dilations: string): Promise<void> {
    await page.fill('#dilations', dilations);
    await page.waitForSelector(`#results[data-schedule="3:${dilations}"]`, { state: 'attached' });
  }

  it('shows seed 003\'s gridded row and the cause for 1,4,8', async () => {
    await typeSchedule('1,4,8');
    assert.equal(await page.textContent('#ascii'), '███.███.███.███.███.███.███');
    assert.equal(await page.textContent('#rf'), '27');
    assert.equal(await page.textContent('#gridding-badge'), '6 holes');
    assert.match(await page.textContent('#gridding-cause') ?? '', /conv2 places its taps 4 apart over a field of 3/);
    assert.equal(await page.locator('#coverage-figure svg .hole').count(), 6);
  });

  it('draws the 2-D heatmap with a hole cell wherever the analysis finds one', async () => {
    await typeSchedule('1,4,8');
    await page.check('input[name="dims"][value="2"]');
    await page.waitForSelector('#coverage-figure svg rect.covered[data-row="26"]', { state: 'attached' });
    const expected = nodeEntry.coverage(nodeEntry.convStack({ kernel: 3, dilations: [1, 4, 8], rank: 2 }));
    assert.equal(await page.locator('#coverage-figure svg .hole').count(), expected.holes);
    assert.match(await page.textContent('#coverage-caption') ?? '', /3×3 kernels/);
    await page.check('input[name="dims"][value="1"]');
    await page.waitForFunction(() => document.querySelectorAll('#coverage-figure svg .hole').length === 6);
  });

  it('shows the seeds\' doubling stack 1,2,4,8,16 with field 63 and no holes', async () => {
    await typeSchedule('1,2,4,8,16');
    assert.equal(await page.textContent('#rf'), '63');
    assert.equal(await page.textContent('#holes'), 'none');
    assert.equal(await page.textContent('#ascii'), '█'.repeat(63));
    assert.equal(await page.textContent('#gridding-badge'), 'no holes');
    assert.match(await page.textContent('#hdc-message') ?? '', /HDC passes/);
  });

  it('applies a designer suggestion from the keyboard', async () => {
    await typeSchedule('1,4,8');
    const first = page.locator('#within button.use').first();
    const suggested = await first.textContent();
    assert.ok(suggested && /^\d+(,\d+)*$/.test(suggested), `a schedule button, got ${suggested}`);
    await first.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.inputValue('#dilations'), suggested);
    assert.equal(await page.textContent('#holes'), 'none');
  });

  it('keeps answering as you type while the designer searches a long stack', async () => {
    const long = Array.from({ length: 11 }, (_, i) => 2 ** i).join(',');
    await typeSchedule(long);
    assert.equal(await page.textContent('#rf'), '4095');
    await typeSchedule('1,4,8');
    assert.equal(await page.textContent('#holes'), '6 of 27 offsets');
    assert.match(await page.locator('#within button.use').first().textContent() ?? '', /^\d+,\d+,\d+$/);
    assert.match(await page.locator('#reaching li').first().textContent() ?? '', /1,3,9 field 27, every offset exactly 1×/);
  });

  it('names the bad input instead of showing stale numbers', async () => {
    await page.fill('#dilations', '1,x,4');
    await page.waitForSelector('#input-error:not([hidden])');
    assert.match(await page.textContent('#input-error') ?? '', /not a list of whole numbers/);
    await page.fill('#dilations', '1,0,4');
    await page.waitForFunction(() => /dilation/.test(document.getElementById('input-error')?.textContent ?? '') && !/whole numbers/.test(document.getElementById('input-error')?.textContent ?? ''));
    await typeSchedule('1,2,4,8,16');
    assert.equal(await page.isHidden('#input-error'), true);
  });

  it('runs conv on the WASM backend after ready() and reports the first call and the median', async (t) => {
    await page.waitForFunction(() => !(document.getElementById('conv-backend')?.textContent ?? '').includes('loading'));
    for (const [index, name] of [[0, 'context module 64→64 64×64 d=2'], [1, 'ASPP branch 256→256 33×33 d=12']] as const) {
      await page.selectOption('#conv-shape', String(index));
      await page.click('#conv-run');
      await page.waitForFunction(() => /^(done|failed)/.test(document.getElementById('conv-status')?.textContent ?? ''), null, { timeout: 30_000 });
      const read = async (id: string) => (await page.textContent(`#${id}`)) ?? '';
      assert.match(await read('conv-status'), /^done: output /);
      assert.match(await read('conv-backend'), /^wasm \(conv-(relaxed-)?simd(-unshared)?\)$/);
      assert.match(await read('conv-first'), /^\d+(\.\d+)? ms$/);
      assert.match(await read('conv-median'), /^\d+(\.\d+)? ms \(8 calls/);
      t.diagnostic(`${name}: backend ${await read('conv-backend')}, threads ${await read('conv-threads')}, ready() ${await read('conv-ready')}, first call ${await read('conv-first')}, median ${await read('conv-median')}, ${await read('conv-gflops')}`);
    }
  });

  it('loaded everything from the loopback server without an error', async (t) => {
    const shot = join(tmpdir(), `atrous-explorer-${process.pid}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot: ${shot}`);
    assert.deepEqual(problems, []);
  });
});
