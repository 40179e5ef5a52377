/**
 * Screenshots of the explorer page's panels for the README (docs/explorer/*.png): each panel at 1280 px, and the
 * top of the page at 390 px. Drives Debian's Chromium through playwright-core against `atrous serve`'s server on a
 * free loopback port. Run after `npm run build`: node scripts/explorer-screenshots.mjs
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startExplorerServer } from '../dist/src/cli/commands/serve.js';

const out = 'docs/explorer';
mkdirSync(out, { recursive: true });
const served = await startExplorerServer({ port: 0 });
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'], headless: true });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${served.url}#k=3,3,3&s=1,1,1&p=0,0,0&d=1,4,8&a=stack&dims=1`, { waitUntil: 'load' });
  await page.waitForSelector('#within button.use');
  await page.locator('#stack-form').screenshot({ path: `${out}/editor.png` });
  await page.locator('#results').screenshot({ path: `${out}/results.png` });
  await page.waitForFunction(() => /done/.test(document.getElementById('design-progress')?.textContent ?? ''), null, { timeout: 30_000 });
  await page.locator('#design-heading').locator('..').screenshot({ path: `${out}/designer.png` });
  await page.locator('#figures-heading').locator('..').screenshot({ path: `${out}/pictures.png` });
  await page.waitForFunction(() => document.getElementById('gridding-corr-0')?.textContent !== '–');
  await page.selectOption('#gridding-image', 'lines');
  await page.waitForTimeout(600);
  await page.locator('#gridding-panel').screenshot({ path: `${out}/gridding.png` });
  await page.fill('#slide-input', '5');
  await page.fill('#slide-stride', '2');
  await page.fill('#slide-dilation', '1');
  await page.check('#slide-transposed');
  await page.waitForFunction(() => /of 11$/.test(document.getElementById('slide-count')?.textContent ?? ''));
  await page.click('#slide-next');
  await page.click('#slide-next');
  await page.locator('#slide-panel').screenshot({ path: `${out}/slide.png` });
  const bytes = [...readFileSync('fixtures/onnx/aspp-no-pooling.onnx')];
  await page.evaluate((data) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], 'aspp-no-pooling.onnx'));
    document.getElementById('drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, bytes);
  await page.waitForSelector('#model-table:not([hidden])', { timeout: 30_000 });
  await page.locator('#model-rows button.use', { hasText: '/branches.2/branches.2.0/Conv' }).click();
  await page.waitForSelector('#model-figure svg', { timeout: 30_000 });
  await page.locator('#inspector-panel').screenshot({ path: `${out}/inspector.png` });
  await page.waitForFunction(() => !(document.getElementById('conv-backend')?.textContent ?? '').includes('loading'), null, { timeout: 30_000 });
  await page.click('#conv-run');
  await page.waitForFunction(() => /^(done|failed)/.test(document.getElementById('conv-status')?.textContent ?? ''), null, { timeout: 60_000 });
  await page.locator('#conv-panel').screenshot({ path: `${out}/conv.png` });
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await phone.goto(`${served.url}#k=3,3,3&s=1,1,1&p=0,0,0&d=1,4,8&a=stack&dims=1`, { waitUntil: 'load' });
  await phone.waitForSelector('#coverage-figure svg');
  await phone.screenshot({ path: `${out}/phone-390.png`, clip: { x: 0, y: 0, width: 390, height: 1400 }, fullPage: true });
  console.log(`explorer-screenshots: wrote ${out}/{editor,results,designer,pictures,slide,inspector,conv,phone-390}.png`);
} finally {
  await browser.close();
  await served.close();
}
