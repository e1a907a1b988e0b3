// Real-browser checks of what lessons 5 and 9 teach (run by .ci/replay-check):
// - lesson 5: pressing "next" from time 0 visits each placement of the burst one by one,
//   the N-th press showing N tasks placed, before time moves on;
// - lesson 9: the failed instance stays on the page after its failure, as a tombstone with
//   its reason and the tasks it took down, which also sit in the stopped tray.
// Expectations come from the run's own tasks.csv, not from the page.
// Usage: node tests/replay/lesson-checks.js LESSON5_OUT LESSON9_OUT
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

function dom(dir, hash) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "replay-chromium-"));
  try {
    return execFileSync("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
      "--virtual-time-budget=5000", "--dump-dom", "file://" + path.resolve(dir, "replay.html") + hash],
    { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60000 });
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

function tasksOf(dir) {
  const rows = fs.readFileSync(path.join(dir, "tasks.csv"), "utf8").trim().split("\n").map((l) => l.split(","));
  const head = rows[0];
  return rows.slice(1).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}
const ms = (s) => Math.round(parseFloat(s) * 1000);
const fail = (why) => { throw new Error(why); };

// Lesson 5: the burst's tasks, placed all at one instant.
const [dir5, dir9] = process.argv.slice(2);
const burst = tasksOf(dir5).filter((t) => t.placed_s !== "");
const first = Math.min(...burst.map((t) => ms(t.placed_s)));
const together = burst.filter((t) => ms(t.placed_s) === first).map((t) => +t.task_id).sort((a, b) => a - b);
if (together.length < 2) fail("lesson 5 should place several tasks at one instant; tasks.csv has " + together.length);
const visited = [...dom(dir5, "#t=0&step=" + (together.length + 1)).matchAll(/<div class="visited">([^<]*)<\/div>/g)].map((m) => m[1].split("\t"));
if (visited.length !== together.length + 1) fail("lesson 5: " + visited.length + " steps logged, wanted " + (together.length + 1));
together.forEach((id, i) => {
  const [t, , pending, , line] = visited[i];
  if (+t !== first || +pending !== i + 1 || !line.startsWith("task " + id + " (") || !line.includes("placed on")) {
    fail("lesson 5 step " + (i + 1) + " shows t=" + t + ", " + pending + " not yet RUNNING, line \"" + line + "\"; wanted task " + id + " placed at " + first + " ms with " + (i + 1) + " placed");
  }
});
if (+visited[together.length][0] <= first) fail("lesson 5: after the last placement the next step should leave " + first + " ms");

// Lesson 9: the instance whose tasks stopped with InstanceFailed.
const lost = tasksOf(dir9).filter((t) => t.stop_reason === "InstanceFailed");
if (!lost.length) fail("lesson 9's tasks.csv has no task stopped by InstanceFailed");
const failed = lost[0].instance, at = ms(lost[0].stopped_s);
const card = (html) => new RegExp('data-instance="' + failed + '" data-running-tasks="(\\d+)" data-state="([A-Z]+)"(?: data-reason="([^"]*)")?').exec(html);
const before = card(dom(dir9, "#t=" + (at - 1000) / 1000));
if (!before || before[2] !== "ACTIVE") fail("lesson 9: " + failed + " should be ACTIVE just before " + at + " ms; the page shows " + (before && before[2]));
const afterHtml = dom(dir9, "#t=" + (at + 300000) / 1000);
const after = card(afterHtml);
if (!after || after[2] !== "TERMINATED" || !/InstanceFailed/.test(after[3] || "")) fail("lesson 9: 5 minutes after its failure " + failed + " should stay as a tombstone saying InstanceFailed; the page shows " + JSON.stringify(after && after.slice(1)));
const tray = /data-reason="InstanceFailed" data-count="(\d+)"/.exec(afterHtml);
if (!tray || +tray[1] !== lost.length) fail("lesson 9: the stopped tray should hold " + lost.length + " InstanceFailed task(s); it shows " + (tray && tray[1]));
console.log("replay lesson checks: lesson 5's " + together.length + " placements one step each; lesson 9's " + failed + " kept after its failure with its " + lost.length + " task(s)");
