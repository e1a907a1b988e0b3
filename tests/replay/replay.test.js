// The replay viewer's pure functions (node --test tests/replay). Expected values are
// worked out by hand from the small run below.
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const R = require("../../src/report_html/replay/replay.js");

const inst = (id, az, launched, registered, terminated) => ({ id, instance_type: "m5.large", pool: "p", az, spot: false, cpu: 2048, memory: 7987, launched, registered, terminated });
const task = (id, instance, created, placed, running, stopped) => ({ id, origin: "web", kind: "service", task_definition: "web", launch_type: instance ? "EC2" : "FARGATE", instance, az: "a", cpu: 512, memory: 1024, created, placed, pull_started: placed, running, stopped, stop_reason: "" });
const data = {
  name: "t", seed: 1, horizon_ms: 100000, warmup_ms: 0, availability_zones: ["a", "b"],
  instances: [inst("i-1", "a", 0, 0, null), inst("i-2", "b", 10000, 40000, 70000)],
  tasks: [
    task(1, "i-1", 0, 0, 5000, null),
    task(2, "i-1", 0, 0, 5000, 60000),
    task(3, "i-2", 20000, 40000, 42000, 70000), // waited for i-2 to register
    task(4, "", 1000, 1000, 31000, null), // Fargate
  ],
  narration: [[0, "task 1 (service web) placed on i-1"], [0, "  filters: 1 ACTIVE"], [20000, "task 3 (service web) waits in PROVISIONING"], [70000, "instance i-2 lost"]],
};

test("task and instance states follow their timestamps, after the events at t", () => {
  assert.strictEqual(R.taskStateAt(data.tasks[1], 4999), "PENDING");
  assert.strictEqual(R.taskStateAt(data.tasks[1], 5000), "RUNNING");
  assert.strictEqual(R.taskStateAt(data.tasks[1], 60000), "STOPPED");
  assert.strictEqual(R.taskStateAt(data.tasks[2], 19999), null);
  assert.strictEqual(R.taskStateAt(data.tasks[2], 30000), "PROVISIONING");
  assert.strictEqual(R.instanceStateAt(data.instances[1], 5000), null);
  assert.strictEqual(R.instanceStateAt(data.instances[1], 39999), "LAUNCHING");
  assert.strictEqual(R.instanceStateAt(data.instances[1], 40000), "ACTIVE");
  assert.strictEqual(R.instanceStateAt(data.instances[1], 70000), "TERMINATED");
});

test("state at t counts tasks as the simulator's samples do", () => {
  let s = R.stateAt(data, 30000);
  // tasks 1, 2 RUNNING; task 3 waiting; task 4 Fargate PENDING.
  assert.deepStrictEqual([s.running, s.pending, s.waiting.length, s.fargate.length], [2, 2, 1, 1]);
  assert.deepStrictEqual(s.instances.map((v) => [v.inst.id, v.state, v.tasks.length, v.cpuUsed]), [["i-1", "ACTIVE", 2, 1024], ["i-2", "LAUNCHING", 0, 0]]);
  s = R.stateAt(data, 45000);
  assert.deepStrictEqual([s.running, s.pending, s.waiting.length], [4, 0, 0]);
  s = R.stateAt(data, 70000);
  // i-2 gone with task 3; task 2 stopped at 60 s.
  assert.deepStrictEqual([s.running, s.instances.length], [2, 1]);
});

test("event times are unique and ordered; next and previous step between them", () => {
  const times = R.eventTimes(data);
  assert.deepStrictEqual(times, [0, 1000, 5000, 10000, 20000, 31000, 40000, 42000, 60000, 70000]);
  assert.strictEqual(R.nextTime(times, 0), 1000);
  assert.strictEqual(R.nextTime(times, 1500), 5000);
  assert.strictEqual(R.nextTime(times, 70000), null);
  assert.strictEqual(R.prevTime(times, 5000), 1000);
  assert.strictEqual(R.prevTime(times, 4000), 1000);
  assert.strictEqual(R.prevTime(times, 0), null);
});

test("times typed by a user parse; the clock formats", () => {
  assert.strictEqual(R.parseTime("90"), 90000);
  assert.strictEqual(R.parseTime("1:30"), 90000);
  assert.strictEqual(R.parseTime("01:02:03"), 3723000);
  assert.strictEqual(R.parseTime("1m30s"), 90000);
  assert.strictEqual(R.parseTime("soon"), null);
  assert.strictEqual(R.formatTime(3723500), "01:02:03.500");
});

test("a task's history is the narration that names it", () => {
  assert.deepStrictEqual(R.historyOf(data, R.taskWord(data.tasks[2])).map(([t]) => t), [20000]);
  assert.deepStrictEqual(R.historyOf(data, "i-2").map(([t]) => t), [70000]);
});
