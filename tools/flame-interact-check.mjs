// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
// Drive a flame graph SVG in headless Chromium the way a person would: hover
// a frame, click to zoom, reset, search by text and by regex, Escape, and a
// "#s=...&z=..." link; screenshot each state.  Optional (CI does not run it):
// it needs playwright-core from npm, and uses Debian's Chromium.
//
// Usage:
//   npm install --prefix /tmp/pw playwright-core
//   PLAYWRIGHT_CORE_DIR=/tmp/pw node tools/flame-interact-check.mjs SVG OUTDIR
//   CHROMIUM=/usr/bin/chromium (default) picks the browser.
// Exit: 0 ok, 1 a check failed, 64 usage.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [svgPath, outDir] = process.argv.slice(2);
if (!svgPath || !outDir) {
  console.error('usage: node tools/flame-interact-check.mjs SVG OUTDIR');
  process.exit(64);
}
const base = process.env.PLAYWRIGHT_CORE_DIR;
const require = createRequire(base ? path.join(path.resolve(base), 'index.js') : import.meta.url);
const { chromium } = require('playwright-core');

const url = pathToFileURL(path.resolve(svgPath)).href;
const problems = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok)
    problems.push(what);
}

/* Geometry and state of the page, read in the browser. */
function state(page) {
  return page.evaluate(() => {
    const svg = document.documentElement;
    const frame = (name) => {
      const g = [...document.querySelectorAll('g.f')]
        .find((e) => e.getAttribute('data-name') === name);
      if (!g)
        return null;
      const r = g.querySelector(':scope > rect');
      return {
        x: +r.getAttribute('x'), width: +r.getAttribute('width'),
        shown: getComputedStyle(g).display !== 'none' &&
          !g.parentElement.closest('g.f[style*="none"]'),
        anc: g.classList.contains('anc'), label: g.querySelector(':scope > text').textContent,
      };
    };
    return {
      ready: svg.getAttribute('data-ready'),
      zoom: svg.getAttribute('data-zoom'),
      matched: svg.getAttribute('data-matched'),
      details: document.getElementById('details').textContent,
      matchedText: document.getElementById('matched').textContent,
      unzoomOff: document.getElementById('unzoom').classList.contains('off'),
      avail: +svg.getAttribute('data-avail'), xpad: +svg.getAttribute('data-xpad'),
      marked: [...document.querySelectorAll('g.f.m')].map((g) => g.getAttribute('data-name')),
      frames: Object.fromEntries(['all', 'worker', 'handle_request', 'db [4300]',
        'log-shipper [4400]', 'web-server [4242]'].map((n) => [n, frame(n)])),
    };
  });
}

/* The expected matched share: outermost matching frames over the total. */
function expectMatched(page, pattern) {
  return page.evaluate((p) => {
    const re = new RegExp(p);
    const test = (n) => n.indexOf(p) >= 0 || re.test(n);
    let sum = 0;
    const walk = (g, inMatch) => {
      const name = g.getAttribute('data-name');
      const m = !g.classList.contains('all') && test(name);
      if (m && !inMatch)
        sum += +g.getAttribute('data-w');
      for (const k of g.querySelectorAll(':scope > g.f'))
        walk(k, inMatch || m);
    };
    walk(document.querySelector('g.f.all'), false);
    const total = +document.documentElement.getAttribute('data-total');
    return (100 * sum / total).toFixed(2);
  }, pattern);
}

function rectOf(page, name) {
  return page.locator(`g.f[data-name="${name}"] > rect`).first();
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 600 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.getAttribute('data-ready') === '1');
  let s = await state(page);
  check(s.frames.all && Math.abs(s.frames.all.width - s.avail) < 0.01,
    'root frame spans the width');
  check(s.unzoomOff, 'reset zoom is dimmed before zooming');

  await rectOf(page, 'worker').hover();
  s = await state(page);
  check(/^worker \([\d,]+ us, \d+\.\d\d%\)$/.test(s.details), `hover details: "${s.details}"`);
  await page.screenshot({ path: path.join(outDir, 'hover.png') });

  await rectOf(page, 'handle_request').click();
  s = await state(page);
  const hr = s.frames.handle_request;
  check(s.zoom === 'handle_request', `zoomed into handle_request (data-zoom="${s.zoom}")`);
  check(Math.abs(hr.x - s.xpad) < 0.01 && Math.abs(hr.width - s.avail) < 0.01,
    `zoomed frame fills the width (x=${hr.x}, width=${hr.width})`);
  check(s.frames.worker.anc && s.frames.worker.width === s.avail, 'ancestor greyed, full width');
  check(!s.frames['db [4300]'].shown, 'unrelated process hidden while zoomed');
  check(!s.unzoomOff, 'reset zoom is active while zoomed');
  check(s.frames.worker.label === 'worker', `ancestor label readable: "${s.frames.worker.label}"`);
  await page.mouse.move(5, 5);
  await page.screenshot({ path: path.join(outDir, 'zoom.png') });

  await page.locator('#unzoom').click();
  s = await state(page);
  check(!s.zoom && s.frames['db [4300]'].shown && !s.frames.worker.anc, 'reset zoom restores all');

  await page.locator('#search').click();
  await page.keyboard.type('futex');
  s = await state(page);
  const want = await expectMatched(page, 'futex');
  check(s.marked.length > 0 && s.marked.every((n) => n.includes('futex')),
    `search "futex" marks ${s.marked.length} frames, all futexes`);
  check(s.matched === want && s.matchedText === `Matched: ${want}%`,
    `matched share ${s.matchedText} (expected ${want}%)`);
  await page.mouse.move(5, 5);
  await page.screenshot({ path: path.join(outDir, 'search.png') });

  await page.locator('#search').fill('^(pipe|unix):');
  s = await state(page);
  const wantRe = await expectMatched(page, '^(pipe|unix):');
  check(s.marked.length > 0 && s.marked.every((n) => /^(pipe|unix):/.test(n)),
    `regex search marks ${s.marked.length} pipe/unix frames`);
  check(s.matched === wantRe, `regex matched share ${s.matched}% (expected ${wantRe}%)`);

  await page.keyboard.press('Escape');
  s = await state(page);
  check(s.marked.length === 0 && !s.matchedText, 'Escape clears the search');

  await page.goto(`${url}#s=pipe&z=worker`);
  await page.reload();
  await page.waitForFunction(() => document.documentElement.getAttribute('data-ready') === '1');
  s = await state(page);
  check(s.zoom === 'worker' && s.marked.length > 0,
    'link with #s=pipe&z=worker opens zoomed and searched');
  await page.screenshot({ path: path.join(outDir, 'link.png') });

  check(errors.length === 0, `no script errors${errors.length ? ': ' + errors.join('; ') : ''}`);
  await browser.close();
}

main().then(() => {
  if (problems.length) {
    console.error(`flame-interact-check: ${problems.length} check(s) failed`);
    process.exit(1);
  }
  console.log(`flame-interact-check: ok; screenshots in ${outDir}`);
}, (err) => {
  console.error(`flame-interact-check: ${err.stack || err}`);
  process.exit(1);
});
