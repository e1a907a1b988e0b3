// Real-browser check of replay.html (run by .ci/replay-check): headless Chromium opens the
// page at a few moments, steps through events with the page's own buttons, and what the
// page shows (#status and each instance card) must equal the simulator's timeseries.csv.
// Usage: node tests/replay/browser-check.js OUTPUT_DIR
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const dir = process.argv[2];
const page = "file://" + path.resolve(dir, "replay.html");
const rows = fs.readFileSync(path.join(dir, "timeseries.csv"), "utf8").trim().split("\n").map((l) => l.split(","));
const col = (name) => rows[0].indexOf(name);
const series = new Map(rows.slice(1).map((r) => [Math.round(parseFloat(r[col("time_s")]) * 1000), r]));
const tasks = fs.readFileSync(path.join(dir, "tasks.csv"), "utf8").trim().split("\n").map((l) => l.split(","));
const tcol = (name) => tasks[0].indexOf(name);

function dom(hash) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "replay-chromium-"));
  try {
    return execFileSync("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
      "--virtual-time-budget=5000", "--dump-dom", page + hash], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60000 });
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

function status(html) {
  const m = /<div id="status" data-time-ms="(\d+)" data-running="(\d+)" data-pending="(\d+)" data-instances="(\d+)"/.exec(html);
  if (!m) throw new Error("no #status in the page");
  return { t: +m[1], running: +m[2], pending: +m[3], instances: +m[4] };
}

// RUNNING tasks per instance at t, from tasks.csv (the simulator's own task records).
function runningOn(t) {
  const out = new Map();
  for (const r of tasks.slice(1)) {
    const running = r[tcol("running_s")], stopped = r[tcol("stopped_s")];
    if (running === "" || Math.round(parseFloat(running) * 1000) > t) continue;
    if (stopped !== "" && Math.round(parseFloat(stopped) * 1000) <= t) continue;
    const inst = r[tcol("instance")];
    if (inst) out.set(inst, (out.get(inst) || 0) + 1);
  }
  return out;
}

// RUNNING tasks at t, on instances or Fargate, from tasks.csv.
const runningAt = (t) => tasks.slice(1).filter((r) => r[tcol("running_s")] !== "" && Math.round(parseFloat(r[tcol("running_s")]) * 1000) <= t && (r[tcol("stopped_s")] === "" || Math.round(parseFloat(r[tcol("stopped_s")]) * 1000) > t)).length;

let checked = 0;
const moments = [...series.keys()].filter((t, i, all) => i % Math.max(1, Math.floor(all.length / 5)) === 0);
for (const t of moments) {
  const html = dom("#t=" + t / 1000);
  const s = status(html);
  const row = series.get(t);
  const want = { t, running: +row[col("running_tasks")], pending: +row[col("pending_tasks")] };
  if (s.t !== want.t || s.running !== want.running || s.pending !== want.pending) {
    throw new Error("at " + t + " ms the page shows " + JSON.stringify(s) + ", the simulator " + JSON.stringify(want));
  }
  const cards = [...html.matchAll(/data-instance="([^"]+)" data-running-tasks="(\d+)"/g)];
  const expect = runningOn(t);
  for (const [, id, n] of cards) {
    if (+n !== (expect.get(id) || 0)) throw new Error("at " + t + " ms " + id + " shows " + n + " RUNNING, tasks.csv says " + (expect.get(id) || 0));
  }
  checked++;
}
// Stepping: two presses of "next" from a sample time move forward; one press of "prev"
// from a time jumped to goes one decision back (several decisions can share an instant).
const start = moments[1];
const at = (html) => { const s = status(html); const k = /data-step="(\d*)"/.exec(html); return { ...s, k: k && k[1] !== "" ? +k[1] : Infinity }; };
const before = (a, b) => a.t < b.t || (a.t === b.t && a.k < b.k);
const visited = [...dom("#t=" + start / 1000 + "&step=2").matchAll(/<div class="visited">([^<]*)<\/div>/g)].map((m) => +m[1].split("\t")[0]);
if (visited.length !== 2 || !(visited[0] > start) || visited[1] < visited[0]) throw new Error("stepping from " + start + " visited " + JSON.stringify(visited));
const settled = at(dom("#t=" + visited[1] / 1000));
const prev = at(dom("#t=" + visited[1] / 1000 + "&step=-1"));
if (!before(prev, settled) || prev.t < start) throw new Error("one step back from " + JSON.stringify(settled) + " went to " + JSON.stringify(prev));
if (settled.running !== runningAt(settled.t)) throw new Error("at " + settled.t + " ms " + settled.running + " RUNNING shown, " + runningAt(settled.t) + " in tasks.csv");
console.log("replay browser check: " + checked + " moments and steps forward and back agree with the simulator");
