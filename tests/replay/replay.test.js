// The replay viewer's pure functions (node --test tests/replay). Expected values are
// worked out by hand from the small run below.
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const R = require("../../src/report_html/replay/replay.js");

const inst = (id, az, launched, registered, terminated) => ({ id, instance_type: "m5.large", pool: "p", az, spot: false, cpu: 2048, memory: 7987, launched, registered, terminated });
const task = (id, instance, created, placed, running, stopped, stop_reason) => ({ id, origin: "web", kind: "service", task_definition: "web", launch_type: instance ? "EC2" : "FARGATE", instance, az: "a", cpu: 512, memory: 1024, created, placed, pull_started: placed, running, stopped, stop_reason: stop_reason || "" });
const data = R.prepare({
  name: "t", seed: 1, horizon_ms: 100000, warmup_ms: 0, availability_zones: ["a", "b"],
  instances: [inst("i-1", "a", 0, 0, null), inst("i-2", "b", 10000, 40000, 70000)],
  tasks: [
    task(1, "i-1", 0, 0, 5000, null),
    task(2, "i-1", 0, 0, 5000, 60000, "EssentialContainerExited"),
    task(3, "i-2", 20000, 40000, 42000, 70000, "InstanceFailed"), // waited for i-2 to register
    task(4, "", 1000, 1000, 31000, null), // Fargate
  ],
  narration: [
    [0, "task 1 (service web) placed on i-1"], // 0
    [0, "  filters: 1 ACTIVE"], // 1
    [0, "task 2 (service web) placed on i-1"], // 2
    [20000, "task 3 (service web) waits in PROVISIONING"], // 3
    [70000, "instance i-2 (b) lost: InstanceFailed; 1 task(s) on it stop"], // 4
    [70000, "task 3 (service web) STOPPED: InstanceFailed"], // 5
  ],
  traffic: [
    { t: 30000, service: "web", blue: "v1", green: "v2", green_percent: 25 },
    { t: 50000, service: "web", blue: "v1", green: "v2", green_percent: 100 },
    { t: 65000, service: "web", blue: "v2", green: "v3", green_percent: 0 }, // a rollback
  ],
});

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

test("a lost instance stays as a tombstone with its reason and its tasks; stopped tasks are kept, newest first", () => {
  const s = R.stateAt(data, 80000);
  assert.deepStrictEqual(s.tombstones.map((v) => [v.inst.id, v.lost.map((e) => e.task.id)]), [["i-2", [3]]]);
  assert.strictEqual(data.instances[1]._why, "instance i-2 (b) lost: InstanceFailed; 1 task(s) on it stop");
  assert.deepStrictEqual(s.stopped.map((e) => [e.task.id, e.task.stop_reason]), [[3, "InstanceFailed"], [2, "EssentialContainerExited"]]);
  // Between the instance's line (4) and its task's (5), the instance is gone, the task not yet stopped.
  const mid = R.stateAt(data, { t: 70000, k: 4 });
  assert.deepStrictEqual([mid.tombstones.length, mid.stopped.length, mid.running], [1, 1, 3]);
});

test("each decision within an instant is a step; a continuation line is not", () => {
  const steps = R.steps(data);
  // t=0: headlines 0 and 2; 1000..60000: one step each with no headline except 20000 (3);
  // 70000: headlines 4 and 5.
  assert.deepStrictEqual(steps.map((s) => [s.t, s.k]), [[0, 0], [0, 2], [1000, Infinity], [5000, Infinity], [10000, Infinity], [20000, 3],
    [31000, Infinity], [40000, Infinity], [42000, Infinity], [60000, Infinity], [70000, 4], [70000, 5]]);
  // After the first placement one task exists; after the second, two.
  assert.strictEqual(R.stateAt(data, steps[0]).pending, 1);
  assert.strictEqual(R.stateAt(data, steps[1]).pending, 2);
  // A time jumped to shows its whole instant: its last step.
  assert.deepStrictEqual(R.settle(steps, 0), { t: 0, k: 2 });
  assert.deepStrictEqual(R.settle(steps, 1500), { t: 1500, k: Infinity });
  assert.deepStrictEqual(R.prevStep(steps, { t: 0, k: 2 }), { t: 0, k: 0 });
  assert.strictEqual(R.prevStep(steps, { t: 0, k: 0 }), null);
  assert.deepStrictEqual(R.nextStep(steps, { t: 0, k: 0 }), { t: 0, k: 2 });
  assert.deepStrictEqual(R.nextStep(steps, { t: 0, k: 2 }), { t: 1000, k: Infinity });
  assert.deepStrictEqual(R.nextStep(steps, 60000), { t: 70000, k: 4 });
  assert.strictEqual(R.nextStep(steps, { t: 70000, k: 5 }), null);
});

test("counts over time sum each life once and agree with the state at each instant", () => {
  const got = R.countsOver(data, [0, 5000, 31000, 42000, 70000]);
  // running: t1, t2 from 5 s (t2 to 60 s), t4 from 31 s, t3 42..70 s; not yet running:
  // t1, t2 0..5 s, t4 1..31 s, t3 20..42 s; instances: i-1 from 0, i-2 10..70 s.
  assert.deepStrictEqual(got.map((c) => [c.running, c.pending, c.instances]), [[0, 2, 1], [2, 1, 1], [3, 1, 2], [4, 0, 2], [2, 0, 1]]);
  for (const c of got) {
    const s = R.stateAt(data, c.t);
    assert.deepStrictEqual([s.running, s.pending, s.instances.length], [c.running, c.pending, c.instances]);
  }
});

test("a step path moves flat, then straight up or down", () => {
  assert.strictEqual(R.stepPath([[0, 1], [10, 3], [20, 0]], (t) => t, (v) => v), "M0.0 1.0H10.0V3.0H20.0V0.0");
});

test("traffic: the last move at or before t; a rollback puts all of it back on blue", () => {
  assert.strictEqual(R.trafficAt(data, "web", 29999), null);
  assert.deepStrictEqual(R.trafficAt(data, "web", 30000), [["v1", 75], ["v2", 25]]);
  assert.deepStrictEqual(R.trafficAt(data, "web", 50000), [["v2", 100]]);
  assert.deepStrictEqual(R.trafficAt(data, "web", 65000), [["v2", 100]]);
  assert.strictEqual(R.trafficAt(data, "api", 65000), null);
});

test("metric samples: the last at or before t", () => {
  assert.strictEqual(R.sampleAt([0, 60000, 120000], 59999), 0);
  assert.strictEqual(R.sampleAt([0, 60000, 120000], 60000), 1);
  assert.strictEqual(R.sampleAt([1000], 0), -1);
});

test("timeline marks: failures, stops not of the task's own making, scaling and deployments", () => {
  assert.strictEqual(R.markerKind("instance i-2 (b) lost: InstanceFailed; 1 task(s) on it stop"), "failure");
  assert.strictEqual(R.markerKind("task 3 (job burst) STOPPED: TimedOutWaitingForCapacity"), "stop");
  assert.strictEqual(R.markerKind("task 2 (job burst) STOPPED: EssentialContainerExited"), null);
  assert.strictEqual(R.markerKind("capacity provider asg managed scaling: CapacityProviderReservation 200% above its target 100% → launching 1 instance(s), group desired 2"), "scaling");
  assert.strictEqual(R.markerKind("service web production traffic: green 25%, blue 75%"), "deployment");
  assert.strictEqual(R.markerKind("  filters: 1 ACTIVE"), null);
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
  assert.deepStrictEqual(R.historyOf(data, R.taskWord(data.tasks[2])).map(([t]) => t), [20000, 70000]);
  assert.deepStrictEqual(R.historyOf(data, "i-2").map(([t]) => t), [70000]);
});
