// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
// The flame graph's script: hover, click to zoom, search (text or /regex/),
// Escape, and "#s=TERM&z=NAME" links.  output/flame_svg.c writes the DOM it
// reads (see the comment there); the build embeds this file, without these
// leading comment lines, in every SVG, so the file works offline.
(function () {
'use strict';
var svg = document.documentElement;
var total = +svg.getAttribute('data-total');
var unit = svg.getAttribute('data-unit');
var xpad = +svg.getAttribute('data-xpad');
var avail = +svg.getAttribute('data-avail');
var frames = [], root = null, zoomed = null, hovered = null;
var details, matched, unzoom, input;

/* Weights may exceed 2^53: group the decimal string, not a number. */
function group(s) {
  var out = '';
  while (s.length > 3) {
    out = ',' + s.slice(-3) + out;
    s = s.slice(0, -3);
  }
  return s + out;
}
function percent(w) {
  return (total ? 100 * w / total : 0).toFixed(2);
}
function describe(f) {
  return f.name + ' (' + group(f.ws) + ' ' + unit + ', ' + percent(f.w) + '%)';
}

function Frame(g) {
  var title = g.firstElementChild;
  this.g = g;
  this.rect = title.nextElementSibling;
  this.text = this.rect.nextElementSibling;
  this.name = g.getAttribute('data-name');
  this.ws = g.getAttribute('data-w');
  this.w = +this.ws;
  this.o = +g.getAttribute('data-o');
  this.parent = g.parentNode.ipcFrame || null;
  this.cw = 7;
  this.measured = false;
  this.shown = true;
  this.label = this.text.textContent;
  g.ipcFrame = this;
}

/*
 * Each label's own average glyph width, measured on its full name the first
 * time its box is wide enough for a label.  All names are written before
 * any is read, so the browser lays the text out once per batch.
 */
function measure(list) {
  list.forEach(function (f) { label(f, f.name); });
  list.forEach(function (f) {
    var n = f.name.length;
    f.cw = n ? f.text.getComputedTextLength() / n : 7;
    if (!(f.cw > 0))
      f.cw = 7;
    f.measured = true;
  });
}

function label(f, s) {
  if (f.label !== s)
    f.text.textContent = s;
  f.label = s;
}

function cut(f, n) {
  /* Never split a surrogate pair. */
  if (n > 0 && (f.name.charCodeAt(n - 1) & 0xfc00) === 0xd800)
    n--;
  label(f, n > 0 ? f.name.slice(0, n) + '..' : '');
  return n;
}

/* Label f for a box of width px; true when it was truncated by estimate. */
function fit(f, width) {
  var room = width - 6;
  f.room = room;
  if (room < 3 * f.cw) {
    label(f, '');
    return false;
  }
  if (f.name.length * f.cw <= room) {
    label(f, f.name);
    return false;
  }
  cut(f, Math.floor(room / f.cw) - 2);
  return true;
}

/*
 * Shorten the labels whose prefix turned out wider than average.  Reads
 * and writes go in separate passes, one layout per round, not per label.
 */
function refit(list) {
  var round;
  for (round = 0; list.length && round < 8; round++) {
    list = list.filter(function (f) {
      f.len = f.text.getComputedTextLength();
      return f.len > f.room;
    });
    list.forEach(function (f) {
      var n = f.label.length - 2;
      cut(f, Math.min(n - 1, Math.floor(n * f.room / f.len)));
    });
  }
}

/* Attribute writes cost a style pass each: skip the unchanged ones. */
function place(f, x, w) {
  var xs = x.toFixed(2), ws = w.toFixed(2);
  if (xs === f.xs && ws === f.ws2)
    return;
  f.xs = xs;
  f.ws2 = ws;
  f.rect.setAttribute('x', xs);
  f.rect.setAttribute('width', ws);
  f.text.setAttribute('x', (x + 3).toFixed(2));
}

function show(f, on) {
  if (f.shown !== on)
    f.g.style.display = on ? '' : 'none';
  f.shown = on;
}

/*
 * The zoomed frame spans the full width and its subtree scales with it;
 * its ancestors span the width too, greyed; everything else is hidden.
 */
function layout() {
  var z = zoomed || root, k = avail / (z.w || 1), a, vis = [], fresh = [], check = [];
  frames.forEach(function (f) { f.anc = false; });
  for (a = z.parent; a; a = a.parent)
    a.anc = true;
  frames.forEach(function (f) {
    var p = f.parent;
    f.inside = f === z || (!!p && p.inside);
    /* Under a hidden frame: hidden with it, nothing to write. */
    if (p && p.hidden) {
      f.hidden = true;
      return;
    }
    f.px = f.inside ? f.w * k : avail;
    f.hidden = !(f.inside ? f.px >= 0.1 : f.anc);
    show(f, !f.hidden);
    if (f.hidden)
      return;
    if (f.g.classList.contains('anc') !== f.anc)
      f.g.classList.toggle('anc', f.anc);
    place(f, f.inside ? xpad + (f.o - z.o) * k : xpad, f.px);
    vis.push(f);
    if (!f.measured && f.px >= 20)
      fresh.push(f);
  });
  measure(fresh);
  vis.forEach(function (f) {
    if (fit(f, f.px))
      check.push(f);
  });
  refit(check);
}

function zoom(f) {
  zoomed = f && f !== root ? f : null;
  unzoom.classList.toggle('off', !zoomed);
  svg.setAttribute('data-zoom', zoomed ? zoomed.name : '');
  layout();
}

/* A frame matches if it contains the term as text or matches it as a regex. */
function search(term) {
  var re = null, sum = 0;
  if (term) {
    try {
      re = new RegExp(term);
    } catch (err) {
      re = null;
    }
  }
  frames.forEach(function (f) {
    var p = f.parent, m = !!term && f !== root &&
      (f.name.indexOf(term) >= 0 || (!!re && re.test(f.name)));
    f.g.classList.toggle('m', m);
    /* Count only the outermost match, or nested matches count twice. */
    if (m && !(p && p.m))
      sum += f.w;
    f.m = m || (!!p && p.m);
  });
  matched.textContent = term ? 'Matched: ' + percent(sum) + '%' : '';
  svg.setAttribute('data-matched', term ? percent(sum) : '');
}

function frameOf(e) {
  var g = e.target && e.target.closest ? e.target.closest('g.f') : null;
  return g ? g.ipcFrame : null;
}

function hover(f) {
  if (hovered)
    hovered.g.classList.remove('h');
  hovered = f;
  if (f)
    f.g.classList.add('h');
  details.textContent = f ? describe(f) : ' ';
}

function listen() {
  svg.addEventListener('mouseover', function (e) { hover(frameOf(e)); });
  svg.addEventListener('mouseleave', function () { hover(null); });
  svg.addEventListener('click', function (e) {
    var f = frameOf(e);
    if (f)
      zoom(f);
    else if (e.target === unzoom)
      zoom(null);
  });
  input.addEventListener('input', function () { search(input.value); });
  document.addEventListener('keydown', function (e) {
    var find = e.key === 'f' && (e.ctrlKey || e.metaKey);
    if (find || (e.key === '/' && document.activeElement !== input)) {
      e.preventDefault();
      input.focus();
      input.select();
    } else if (e.key === 'Escape') {
      input.value = '';
      search('');
      zoom(null);
      input.blur();
    }
  });
}

function byName(name) {
  return frames.filter(function (f) { return f.name === name; })[0] || null;
}

/* "file.svg#s=futex&z=worker" opens with a search and a zoom applied. */
function fromHash() {
  var q = new URLSearchParams(location.hash.slice(1));
  if (q.get('s')) {
    input.value = q.get('s');
    search(input.value);
  }
  if (q.get('z'))
    zoom(byName(q.get('z')));
}

function init() {
  var gs = svg.querySelectorAll('g.f'), i;
  details = document.getElementById('details');
  matched = document.getElementById('matched');
  unzoom = document.getElementById('unzoom');
  input = document.getElementById('search');
  for (i = 0; i < gs.length; i++)
    frames.push(new Frame(gs[i]));
  root = frames[0];
  layout();
  listen();
  fromHash();
  window.ipcflame = {
    zoom: function (name) { zoom(name ? byName(name) : null); },
    search: function (term) { input.value = term || ''; search(input.value); },
    frames: frames.length
  };
  svg.setAttribute('data-frames', String(frames.length));
  svg.setAttribute('data-ready', '1');
}

try {
  init();
} catch (err) {
  svg.setAttribute('data-ready', '0');
  svg.setAttribute('data-error', String(err && err.message ? err.message : err));
  throw err;
}
})();
