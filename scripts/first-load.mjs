#!/usr/bin/env node
// The first load of a page: every script, stylesheet and WebAssembly module
// the browser fetches before the page is interactive — what the document
// names (`<script src>`, `<link rel=stylesheet|preload|modulepreload>`) and,
// followed to the end, what those scripts import statically (`import … from
// "./x.js"`). Each file is counted raw and Brotli-compressed at quality 11
// (what our server sends: its copies are written at build time), whatever
// the server itself sends. The same method for any app, so two can be
// compared. Prints one JSON line; asserts nothing.
//
//   node scripts/first-load.mjs http://127.0.0.1:3000/board ['rc_session=…']
import zlib from "node:zlib";

const [pageUrl, cookie] = process.argv.slice(2);
if (!pageUrl) {
  console.error("usage: first-load.mjs URL [COOKIE]");
  process.exit(2);
}
const headers = cookie ? { cookie } : {};
const get = async (url) => {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
};

const html = (await get(pageUrl)).toString("utf8");
const found = new Set();
for (const m of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) found.add(new URL(m[1], pageUrl).href);
for (const m of html.matchAll(/<link[^>]*>/g)) {
  const tag = m[0];
  if (!/rel="(stylesheet|preload|modulepreload)"/.test(tag)) continue;
  if (/rel="preload"/.test(tag) && !/as="(script|style|fetch)"/.test(tag)) continue;
  const href = tag.match(/href="([^"]+)"/);
  if (href) found.add(new URL(href[1], pageUrl).href);
}
// Inline module scripts import too (Leptos' hydration script imports the app's JS).
for (const m of html.matchAll(/<script[^>]*type="module"[^>]*>([\s\S]*?)<\/script>/g)) {
  for (const i of m[1].matchAll(/import\s*(?:[^'"()]*?\sfrom\s*)?["']([^"']+\.js)["']/g)) {
    found.add(new URL(i[1], pageUrl).href);
  }
}

const files = [];
const queue = [...found];
const seen = new Set(queue);
while (queue.length) {
  const url = queue.shift();
  const body = await get(url);
  files.push({ url, raw: body.length, br: zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length });
  if (/\.m?js(\?|$)/.test(url)) {
    for (const i of body.toString("utf8").matchAll(/(?:^|[;\s])import\s*(?:[^'"()]*?\sfrom\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
      const dep = new URL(i[1], url).href;
      if (!seen.has(dep)) {
        seen.add(dep);
        queue.push(dep);
      }
    }
  }
}
const sum = (k) => files.reduce((a, f) => a + f[k], 0);
const htmlBr = zlib.brotliCompressSync(Buffer.from(html), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
console.log(
  JSON.stringify({
    files: files.length,
    raw: sum("raw"),
    br: sum("br"),
    html: Buffer.byteLength(html),
    htmlBr,
    list: files.map((f) => `${new URL(f.url).pathname.split("/").pop()} ${f.raw} ${f.br}`),
  }),
);
