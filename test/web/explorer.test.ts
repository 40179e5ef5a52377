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
const NODE_ONLY = ['FONT_INSTALL_HINT', 'encodeGif', 'externalDataFromDirectory', 'findFontFiles', 'loadOnnxFile', 'svgToPdf', 'svgToPng', 'svgToRgba'];

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

describe('the explorer page in Chromium', { timeout: 120_000 }, () => {
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

  /** Types a schedule into the quick field and waits until the page shows that stack (3-tap, stacked). */
  async function typeSchedule(typed: string, shown = typed): Promise<void> {
    await page.fill('#dilations', typed);
    await page.waitForSelector(`#results[data-schedule$=":${shown}:stack"]`, { state: 'attached' });
  }

  async function preset(name: string): Promise<void> {
    await page.click(`button.preset[data-preset="${name}"]`);
  }

  it('shows the gridded row of 1,4,8 and a cause in the chart\'s own offsets', async () => {
    await preset('doubling');
    await typeSchedule('1,4,8');
    assert.equal(await page.textContent('#ascii'), '███.███.███.███.███.███.███');
    assert.equal(await page.textContent('#rf'), '27');
    assert.equal(await page.textContent('#gridding-badge'), '6 holes');
    const cause = await page.textContent('#gridding-cause') ?? '';
    assert.match(cause, /conv2 places its taps 4 apart over a field of 3/);
    const named = /at offsets ([-\d, ]+) from the output's position/.exec(cause);
    assert.ok(named, cause);
    const crossed = await page.locator('#coverage-figure svg rect.hole').evaluateAll((holes) => holes.map((h) => Number(h.getAttribute('data-start'))));
    assert.deepEqual(crossed, named[1].split(', ').map(Number));
  });

  it('draws the 2-D heatmap with a hole cell wherever the analysis finds one', async () => {
    await typeSchedule('1,4,8');
    await page.check('input[name="dims"][value="2"]');
    await page.waitForSelector('#coverage-figure svg rect.covered[data-row="26"]', { state: 'attached' });
    const expected = nodeEntry.coverage(nodeEntry.convStack({ kernel: 3, dilations: [1, 4, 8], rank: 2 }));
    assert.equal(await page.locator('#coverage-figure svg .hole').count(), expected.holes);
    assert.match(await page.textContent('#coverage-caption') ?? '', /k×k kernels/);
    await page.check('input[name="dims"][value="1"]');
    await page.waitForFunction(() => document.querySelectorAll('#coverage-figure svg .hole').length === 6);
  });

  it('shows the doubling stack 1,2,4,8,16 with field 63 and no holes', async () => {
    await typeSchedule('1,2,4,8,16');
    assert.equal(await page.textContent('#rf'), '63');
    assert.equal(await page.textContent('#holes'), 'none');
    assert.equal(await page.textContent('#ascii'), '█'.repeat(63));
    assert.equal(await page.textContent('#gridding-badge'), 'no holes');
    assert.match(await page.textContent('#hdc-message') ?? '', /HDC passes/);
  });

  it('takes lists as people type them and shows no error while a list is half typed', async () => {
    await page.fill('#dilations', '1,');
    await page.waitForSelector('#results[data-schedule$=":1:stack"]', { state: 'attached' });
    assert.equal(await page.textContent('#rf'), '3');
    await page.fill('#dilations', '1,2,');
    await page.waitForSelector('#results[data-schedule$=":1,2:stack"]', { state: 'attached' });
    assert.equal(await page.textContent('#rf'), '7');
    await page.fill('#dilations', '1 2 4');
    await page.waitForSelector('#results[data-schedule$=":1,2,4:stack"]', { state: 'attached' });
    assert.equal(await page.textContent('#rf'), '15');
    assert.equal(await page.isHidden('#input-error'), true);
  });

  it('names bad input after a pause or on leaving the field, not on the first keystroke', async () => {
    await typeSchedule('1,2,4,8,16');
    await page.fill('#dilations', '1,x,4');
    await page.waitForFunction(() => document.body.classList.contains('stale'));
    assert.equal(await page.isHidden('#input-error'), true, 'the error shows while typing');
    await page.waitForSelector('#input-error:not([hidden])', { timeout: 4_000 });
    assert.match(await page.textContent('#input-error') ?? '', /"x" in the dilations is not a whole number ≥ 1/);
    await page.fill('#dilations', '1,0,4');
    await page.locator('#kernel').focus();
    await page.waitForFunction(() => /"0" in the dilations/.test(document.getElementById('input-error')?.textContent ?? ''));
    assert.doesNotMatch(await page.textContent('#input-error') ?? '', /conv\d+:|or 1 of them/);
    await typeSchedule('1,2,4,8,16');
    await page.waitForSelector('#input-error', { state: 'hidden' });
  });

  it('edits kernel, stride, padding and dilation per layer and keeps the stack in the URL', async () => {
    await preset('doubling');
    await page.waitForSelector('#results[data-schedule="3,3,3,3,3:1,2,4,8,16:stack"]', { state: 'attached' });
    await page.fill('input.layer-cell[data-layer="1"][data-key="stride"]', '2');
    await page.waitForFunction(() => document.getElementById('eff-stride')?.textContent === '2');
    // Field 3, conv2 adds 2·2 (it reads stride-1 samples) and strides by 2, so each later layer adds 2·d·2.
    assert.equal(await page.textContent('#rf'), String(3 + 2 * 2 + 2 * 2 * (4 + 8 + 16)));
    await page.fill('input.layer-cell[data-layer="0"][data-key="kernel"]', '5');
    await page.waitForFunction(() => (document.getElementById('results')?.dataset.schedule ?? '').startsWith('5,3,3,3,3:'));
    assert.equal(await page.inputValue('#kernel'), '');
    const url = page.url();
    assert.match(url, /#k=5,3,3,3,3&s=1,2,1,1,1&p=0,0,0,0,0&d=1,2,4,8,16&a=stack&dims=1$/);
    const fresh = await context!.newPage();
    await fresh.goto(url, { waitUntil: 'load' });
    await fresh.waitForSelector('#results[data-schedule="5,3,3,3,3:1,2,4,8,16:stack"]', { state: 'attached' });
    assert.equal(await fresh.textContent('#rf'), await page.textContent('#rf'));
    await fresh.close();
  });

  it('draws every field size: WaveNet k=2 to 512 (1024) in 1-D, doubling to 128 in 2-D', async () => {
    await preset('wavenet');
    await page.waitForSelector('#results[data-schedule$=":1,2,4,8,16,32,64,128,256,512:stack"]', { state: 'attached' });
    assert.equal(await page.textContent('#rf'), '1024');
    await page.waitForSelector('#coverage-figure svg rect.covered', { state: 'attached' });
    assert.match(await page.textContent('#coverage-figure svg') ?? '', /1024 offsets drawn in bins of \d+/);
    await preset('doubling');
    await typeSchedule('1,2,4,8,16,32,64,128');
    await page.check('input[name="dims"][value="2"]');
    await page.waitForFunction(() => /each cell is a bin of 5×5/.test(document.querySelector('#coverage-figure svg')?.textContent ?? ''), null, { timeout: 30_000 });
    assert.equal(await page.locator('#coverage-figure p').count(), 0);
    await page.check('input[name="dims"][value="1"]');
  });

  it('lays ASPP out as parallel branches: field 37, gridded', async () => {
    await preset('aspp');
    await page.waitForSelector('#results[data-schedule$=":branches"]', { state: 'attached' });
    assert.equal(await page.textContent('#rf'), '37');
    assert.notEqual(await page.textContent('#holes'), 'none');
    assert.match(await page.textContent('#hdc-message') ?? '', /stacked stride-1 layers/);
    await preset('doubling');
  });

  it('applies a designer suggestion from the keyboard', async () => {
    await typeSchedule('1,4,8');
    await page.waitForSelector('#within button.use');
    const first = page.locator('#within button.use').first();
    const suggested = await first.textContent();
    assert.ok(suggested && /^\d+(,\d+)*$/.test(suggested), `a schedule button, got ${suggested}`);
    await first.focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.inputValue('#dilations'), suggested);
    await page.waitForFunction(() => document.getElementById('holes')?.textContent === 'none');
  });

  it('shows the designer\'s progress and best-so-far while it searches a long stack, and keeps answering', async () => {
    const long = Array.from({ length: 10 }, (_, i) => 2 ** i).join(',');
    await typeSchedule(long);
    assert.equal(await page.textContent('#rf'), '2047');
    await page.waitForFunction(() => /candidates/.test(document.getElementById('design-progress')?.textContent ?? ''), null, { timeout: 20_000 });
    await page.waitForSelector('#within button.use', { timeout: 20_000 });
    await typeSchedule('1,4,8');
    assert.equal(await page.textContent('#holes'), '6 of 27 offsets');
    await page.waitForFunction(() => /1,3,9 field 27, every offset exactly 1×/.test(document.querySelector('#reaching li')?.textContent ?? ''), null, { timeout: 20_000 });
  });

  it('shows gridding in activation maps: 2,2,2 breaks into lattices on noise, 1,2,5 does not', async () => {
    await page.waitForFunction(() => document.getElementById('gridding-corr-0')?.textContent !== '–');
    assert.ok(Math.abs(Number(await page.textContent('#gridding-corr-0'))) < 0.15, 'stack 2,2,2: neighbours read disjoint inputs');
    assert.ok(Number(await page.textContent('#gridding-corr-1')) > 0.6, 'stack 1,2,5: neighbours share inputs');
    assert.equal(await page.locator('#gridding-figure svg .panel').count(), 3);
    await page.fill('#gridding-a', '1,2,4');
    await page.waitForFunction(() => Number(document.getElementById('gridding-corr-0')?.textContent) > 0.6);
    await page.fill('#gridding-a', '1,x');
    await page.waitForFunction(() => !document.getElementById('gridding-error')?.hidden);
    assert.match(await page.textContent('#gridding-error') ?? '', /"x" in the dilations of stack 1 is not a whole number/);
    await page.fill('#gridding-a', '2,2,2');
  });

  it('steps and plays the sliding kernel, transposed too', async () => {
    await page.fill('#slide-input', '7,7');
    await page.fill('#slide-dilation', '2');
    await page.waitForFunction(() => document.getElementById('slide-count')?.textContent === 'output 1 of 9');
    await page.click('#slide-next');
    assert.equal(await page.textContent('#slide-count'), 'output 2 of 9');
    await page.click('#slide-prev');
    await page.click('#slide-prev');
    assert.equal(await page.textContent('#slide-count'), 'output 9 of 9');
    await page.click('#slide-play');
    await page.waitForFunction(() => document.getElementById('slide-count')?.textContent !== 'output 9 of 9');
    await page.click('#slide-play');
    assert.equal(await page.textContent('#slide-play'), 'Play');
    await page.fill('#slide-input', '5');
    await page.fill('#slide-dilation', '1');
    await page.fill('#slide-stride', '2');
    await page.check('#slide-transposed');
    const expected = nodeEntry.transposedOutputSize(5, 3, 2, 1, 0, 0, 0);
    await page.waitForFunction((n) => document.getElementById('slide-count')?.textContent === `output 1 of ${n}`, expected);
    assert.match(await page.textContent('#slide-figure svg') ?? '', /Transposed convolution/);
  });

  it('reads a dropped ONNX model in the page: layer table, warnings, a layer\'s coverage', async () => {
    const bytes = readFileSync(new URL('../../../fixtures/onnx/aspp-no-pooling.onnx', import.meta.url));
    await page.evaluate((data) => {
      const file = new File([new Uint8Array(data)], 'aspp-no-pooling.onnx');
      const transfer = new DataTransfer();
      transfer.items.add(file);
      document.getElementById('drop-zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }, [...bytes]);
    await page.waitForSelector('#model-table:not([hidden])', { timeout: 20_000 });
    assert.match(await page.textContent('#model-status') ?? '', /aspp-no-pooling\.onnx, input 1×16×33×33: \d+ layers; receptive field 37×37/);
    assert.match(await page.textContent('#model-warnings') ?? '', /gridding/);
    const conv = page.locator('#model-rows button.use', { hasText: '/branches.3/branches.3.0/Conv' });
    await conv.click();
    await page.waitForSelector('#model-figure svg', { timeout: 20_000 });
    assert.match(await page.textContent('#model-figure svg') ?? '', /\/branches\.3\/branches\.3\.0\/Conv: field 37×37/);
    assert.equal(await page.locator('#model-figure svg rect.covered').count(), 9);
  });

  it('times conv in a worker, on a benchmark layer and on the typed stack, while the page keeps answering', async (t) => {
    await page.waitForFunction(() => !(document.getElementById('conv-backend')?.textContent ?? '').includes('loading'), null, { timeout: 30_000 });
    for (const value of ['0', 'stack']) {
      await page.selectOption('#conv-shape', value);
      await page.fill('#conv-calls', '9');
      await page.click('#conv-run');
      if (value === '0') await typeSchedule('1,2,4', '1,2,4');
      await page.waitForFunction(() => /^(done|failed)/.test(document.getElementById('conv-status')?.textContent ?? ''), null, { timeout: 60_000 });
      const read = async (id: string) => (await page.textContent(`#${id}`)) ?? '';
      assert.match(await read('conv-status'), /^done: output /);
      assert.match(await read('conv-backend'), /^wasm \(conv-(relaxed-)?simd(-unshared)?\)$/);
      assert.match(await read('conv-median'), /^\d+(\.\d+)? ms \(8 calls/);
      t.diagnostic(`${value}: ${await read('conv-status')}, first ${await read('conv-first')}, median ${await read('conv-median')}, ${await read('conv-gflops')}`);
    }
    assert.match(await page.textContent('#conv-status') ?? '', /done: output 1×32×4082/);
  });

  it('fits a 390 px wide screen: no sideways scroll, figures at their drawn text size', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await preset('doubling');
    await page.selectOption('#conv-shape', '1');
    await page.waitForSelector('#coverage-figure svg', { state: 'attached' });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
    const smallest = await page.locator('#coverage-figure svg text, #growth-figure svg text').evaluateAll((texts) => Math.min(...texts.map((t) => t.getBoundingClientRect().height).filter((h) => h > 0)));
    assert.ok(smallest >= 9, `smallest figure text ${smallest} px high`);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('loaded everything from the loopback server without an error', async (t) => {
    const shot = join(tmpdir(), `atrous-explorer-${process.pid}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    t.diagnostic(`screenshot: ${shot}`);
    rmSync(shot, { force: true });
    assert.deepEqual(problems, []);
  });
});
