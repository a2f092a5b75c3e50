// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
// Open an ipctrace timeline (trace-event JSON) in speedscope, served from
// localhost, in headless Chromium; screenshot it; check that speedscope
// imported it: one profile per thread track, the expected thread names
// among them, and a flame chart that is not blank.  Playwright gives the
// browser a fresh profile of its own (a new --user-data-dir) each run.
//
// Usage:
//   NODE_PATH=DIR/node_modules node tools/timeline-browser-check.mjs TRACE PNG [NAME...]
//     DIR: where tools/install-deps.sh installed speedscope and playwright-core
//     NAME: a thread track name that must be among the profiles ("ipcwork")
//   CHROMIUM=/usr/bin/chromium (default) picks the browser.
// The first NAME's thread is picked from speedscope's profile list and
// screenshot; its flame chart must have coloured slices in it.
// Prints one JSON line: {"profiles": N, "shown": "...", "painted": PIXELS, ...}.
// Exit: 0 ok, 1 a check failed, 64 usage.
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [tracePath, pngPath, ...names] = process.argv.slice(2);
if (!tracePath || !pngPath) {
  console.error('usage: node tools/timeline-browser-check.mjs TRACE PNG [NAME...]');
  process.exit(64);
}
const require = createRequire(import.meta.url);
const resolve = (m) => require.resolve(m, { paths: (process.env.NODE_PATH || '').split(':') });
const { chromium } = require(resolve('playwright-core'));
const release = path.join(path.dirname(resolve('speedscope/package.json')), 'dist', 'release');

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.png': 'image/png',
  '.woff2': 'font/woff2', '.ico': 'image/x-icon', '.txt': 'text/plain' };

// speedscope's files, and the trace as /trace.json: nothing else is served
const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  let file = url.pathname === '/trace.json' ? path.resolve(tracePath)
    : path.join(release, path.normalize(url.pathname === '/' ? '/index.html' : url.pathname));
  if (url.pathname !== '/trace.json' && !file.startsWith(release + path.sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const body = readFileSync(file);
    res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}`;

const problems = [];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--enable-unsafe-swiftshader'],
});
let result = {};
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${base}/index.html#profileURL=${encodeURIComponent(base + '/trace.json')}`);
  // speedscope shows the profile's name in its toolbar once it has imported it
  await page.waitForFunction(() => /\(\d+\/\d+\)/.test(document.body.innerText), null,
    { timeout: 60000 });
  await page.waitForTimeout(1000);
  const shown = await page.evaluate(() => document.body.innerText);
  // the profile list: open the selector in the toolbar and read it
  const title = page.locator('text=/\\(\\d+\\/\\d+\\)/').first();
  await title.click();
  await page.waitForTimeout(500);
  const listed = await page.evaluate(() => document.body.innerText);
  // show the first NAME's thread, as a person would: filter the list, take the first
  if (names.length) {
    const filter = page.locator('input[placeholder="Filter..."]');
    await filter.fill(`${names[0]} (pid`);
    await filter.press('Enter');
  }
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  if (await page.locator('input[placeholder="Filter..."]').isVisible())
    await page.mouse.click(800, 600);	/* close the list: click on the chart */
  await page.waitForTimeout(1000);
  const now = await page.evaluate(() => document.body.innerText);
  const png = await page.screenshot({ fullPage: false });
  writeFileSync(pngPath, png);
  // slices are coloured; the background, grid and text are white, grey or black
  const painted = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + b64;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    /* below the toolbar and the overview: the flame chart itself */
    const top = Math.floor(img.height * 0.15);
    const d = g.getImageData(0, top, c.width, c.height - top).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4)
      n += Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40;
    return n;
  }, png.toString('base64'));
  const m = now.match(/\((\d+)\/(\d+)\)/);
  result = { shown: now.split('\n').find((l) => /\(\d+\/\d+\)/.test(l)) || '',
    profiles: m ? Number(m[2]) : 0, painted, errors,
    names: names.filter((n) => listed.includes(n)) };
  if (!m || Number(m[2]) < 1)
    problems.push('speedscope shows no profile');
  for (const n of names)
    if (!listed.includes(n))
      problems.push(`no profile named ${n}`);
  if (names.length && !result.shown.startsWith(`${names[0]} (pid `))
    problems.push(`the thread shown is not ${names[0]}: ${result.shown}`);
  if (painted < 200)
    problems.push(`the flame chart looks blank (${painted} coloured pixels)`);
  if (errors.length)
    problems.push(`page errors: ${errors.join('; ')}`);
} catch (e) {
  problems.push(String(e));
} finally {
  await browser.close();
  server.close();
}
console.log(JSON.stringify(result));
for (const p of problems)
  console.error(`timeline-browser-check: ${p}`);
process.exit(problems.length ? 1 : 0);
