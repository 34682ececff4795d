#!/usr/bin/env node
// Writes `<file>.br` (Brotli, quality 11) and `<file>.gz` (gzip, level 9)
// beside every compressible file under the given folders, so the server
// sends a browser the smallest copy it accepts without compressing anything
// per request (tower-http's ServeDir picks the copy by Accept-Encoding).
//
// Node's own zlib does the work: it is already a build tool here (Tailwind,
// wasm-opt), so this adds no dependency. Run by the Makefile after each
// front-end build: `node scripts/precompress.mjs target/site/pkg …`.
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { readdirSync, readFileSync, writeFileSync, statSync, unlinkSync } from 'node:fs';
import { join, extname } from 'node:path';

const COMPRESSIBLE = new Set(['.wasm', '.js', '.mjs', '.css', '.svg', '.json', '.txt', '.html', '.webmanifest']);
// Below this, a compressed copy saves less than its own headers cost.
const MIN_BYTES = 512;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

let raw = 0, br = 0, gz = 0, count = 0;
for (const dir of process.argv.slice(2)) {
  for (const path of files(dir)) {
    if (!COMPRESSIBLE.has(extname(path))) continue;
    const data = readFileSync(path);
    for (const [ext, make] of [
      ['.br', () => brotliCompressSync(data, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
          [constants.BROTLI_PARAM_MODE]: extname(path) === '.wasm' ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
        },
      })],
      ['.gz', () => gzipSync(data, { level: 9 })],
    ]) {
      const out = path + ext;
      // A copy older than its file would be served in its place: drop it.
      try { if (statSync(out).mtimeMs < statSync(path).mtimeMs) unlinkSync(out); } catch { /* none yet */ }
      if (data.length < MIN_BYTES) continue;
      const packed = make();
      if (packed.length >= data.length) continue;
      writeFileSync(out, packed);
      if (ext === '.br') br += packed.length; else gz += packed.length;
    }
    raw += data.length;
    count += 1;
  }
}
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
console.log(`precompressed ${count} files: ${kb(raw)} raw, ${kb(br)} brotli, ${kb(gz)} gzip`);
