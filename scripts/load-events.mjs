#!/usr/bin/env node
// Live events at scale: opens N `/api/events` streams spread over one or
// more app servers, then commits changes through the first server and
// measures, for every stream, the time from sending the change to the
// stream receiving its event (commit → delivery, an upper bound: the clock
// starts before the request leaves). Prints numbers, asserts nothing.
//
//   node scripts/load-events.mjs --cookie 'rc_session=…' --release ID \
//        --streams 1000 --changes 20 http://127.0.0.1:3000 [http://127.0.0.1:3001 …]
//
// Each stream is its own HTTP connection (as each browser tab is). The
// server's per-user stream cap (RC_SSE_MAX_PER_USER, 20 by default) must be
// raised for one session to open many: scripts/bench-events.sh does that.
// Options: --pids PID[,PID] (servers' processes, for memory per stream),
// --gap MS between changes (default 250).
import http from "node:http";
import fs from "node:fs";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const cookie = opt("cookie");
const releaseId = opt("release");
const streams = Number(opt("streams", "1000"));
const changes = Number(opt("changes", "20"));
const gap = Number(opt("gap", "250"));
const pids = (opt("pids", "") || "").split(",").filter(Boolean);
const bases = args.map((b) => b.replace(/\/$/, ""));
if (!cookie || !releaseId || bases.length === 0) {
  console.error("usage: load-events.mjs --cookie C --release ID [--streams N] [--changes M] BASE...");
  process.exit(2);
}

const rssKib = (pid) => {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
};
const rssAll = () => pids.map(rssKib);
const now = () => performance.now();

// Change k writes exactly one activity, and nothing else writes to the
// team during the run: the k-th activity event a stream receives is change
// k's (events reach a stream in commit order).
const sent = []; // k -> time change k was sent
const arrivals = []; // latencies in ms
let refused = 0;

function open(base) {
  return new Promise((resolve) => {
    const url = new URL(`${base}/api/events`);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: { cookie, accept: "text/event-stream" },
        agent: false,
      },
      (res) => {
        if (res.statusCode !== 200) {
          refused++;
          res.resume();
          resolve(false);
          return;
        }
        res.setEncoding("utf8");
        let buf = "";
        let received = 0;
        res.on("data", (chunk) => {
          const t = now();
          buf += chunk;
          let i;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const ev = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (/^event: activity$/m.test(ev) && received < sent.length) {
              arrivals.push(t - sent[received]);
              received++;
            }
          }
        });
        res.on("error", () => {});
        resolve(true);
      },
    );
    req.on("error", () => {
      refused++;
      resolve(false);
    });
    req.end();
  });
}

function patch(base, body) {
  return new Promise((resolve, reject) => {
    const url = new URL(`${base}/api/releases/${releaseId}`);
    const data = JSON.stringify(body);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "PATCH",
        headers: {
          cookie,
          origin: base,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(data),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`PATCH ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

const pct = (xs, p) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const mb = (k) => (k / 1024).toFixed(0);

const before = rssAll();
const t0 = now();
const opened = [];
for (let i = 0; i < streams; i += 50) {
  const batch = [];
  for (let j = i; j < Math.min(streams, i + 50); j++) batch.push(open(bases[j % bases.length]));
  opened.push(...(await Promise.all(batch)));
}
const ok = opened.filter(Boolean).length;
await new Promise((r) => setTimeout(r, 1000));
const withStreams = rssAll();
console.log(
  `streams open: ${ok} of ${streams} over ${bases.length} server(s) in ${((now() - t0) / 1000).toFixed(1)} s` +
    (refused ? `, ${refused} refused` : ""),
);
for (let k = 0; k < changes; k++) {
  sent.push(now());
  await patch(bases[0], { title: `Live load probe ${k} (${Date.now()})` });
  await new Promise((r) => setTimeout(r, gap));
}
await new Promise((r) => setTimeout(r, 2000));
const expected = ok * changes;
const missing = expected - arrivals.length;
console.log(
  `deliveries: ${arrivals.length} of ${expected} (${changes} changes × ${ok} streams)` +
    (missing ? `, ${missing} MISSING` : ""),
);
console.log(
  `commit → delivery: p50 ${pct(arrivals, 50).toFixed(1)} ms, p99 ${pct(arrivals, 99).toFixed(1)} ms, max ${pct(arrivals, 100).toFixed(1)} ms`,
);
pids.forEach((pid, i) => {
  const per = ok > 0 ? ((withStreams[i] - before[i]) * bases.length) / ok : 0;
  console.log(
    `server ${i + 1} RSS: ${mb(before[i])} MB before, ${mb(withStreams[i])} MB with its streams open, ${mb(rssAll()[i])} MB after the changes; ≈ ${per.toFixed(1)} KB per stream`,
  );
});
process.exit(0);
