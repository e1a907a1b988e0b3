// The replay viewer. The pure part (state at a cursor, steps, counts, histories) is
// exported for `node --test`; the page part runs only in a browser.
//
// A cursor is { t, k }: simulated time t in ms, and k the narration index of the last
// decision taken at t (Infinity: every event at t). Several decisions share an instant
// (eight placements at 1:00), so stepping walks the narration's headlines one by one; a
// task's or instance's change at t is shown once the headline that announces it is
// reached (a change no headline names happens at the start of its instant).
"use strict";

const Replay = (function () {
  const ALL = Infinity;
  const cursor = (c) => (typeof c === "number" ? { t: c, k: ALL } : c);
  const happened = (time, by, c) => time !== null && (time < c.t || (time === c.t && (by === undefined ? -1 : by) <= c.k));

  function cmp(a, b) {
    if (a.t !== b.t) return a.t < b.t ? -1 : 1;
    if (a.k === b.k) return 0;
    return a.k < b.k ? -1 : 1;
  }

  function isHeadline(line) { return !line.startsWith("  "); }

  // Which headline announces each task's and instance's changes. Headlines about a task
  // begin "task N (", about an instance "instance i-…"; a managed-scaling line names no
  // instance, so launches and terminations fall back to the instant's "launching" or
  // "terminating" line. Annotates the data in place (`_by`) and returns it.
  function prepare(data) {
    if (data._prepared) return data;
    const byTask = new Map(), byInst = new Map(), byWord = new Map();
    const push = (map, key, i) => { const l = map.get(key); if (l) l.push(i); else map.set(key, [i]); };
    data.narration.forEach(([t, line], i) => {
      if (!isHeadline(line)) return;
      let m = /^task (\d+) \(/.exec(line);
      if (m) push(byTask, t + "|" + m[1], i);
      m = /^instance (\S+)/.exec(line);
      if (m) push(byInst, t + "|" + m[1], i);
      if (/launching \d+ instance/.test(line)) push(byWord, t + "|launch", i);
      if (/terminat/.test(line)) push(byWord, t + "|terminate", i);
    });
    const pick = (list, re) => {
      if (!list) return undefined;
      const hit = re ? list.find((i) => re.test(data.narration[i][1])) : undefined;
      return hit !== undefined ? hit : list[0];
    };
    const taskWords = { created: null, placed: /placed on|admitted to/, running: / RUNNING/, stopped: /STOPPED/ };
    for (const task of data.tasks) {
      task._by = {};
      for (const k of Object.keys(taskWords)) {
        if (task[k] !== null) task._by[k] = pick(byTask.get(task[k] + "|" + task.id), taskWords[k]);
      }
      // Created and placed in one decision: the placement line announces both.
      if (task._by.created === undefined && task.placed === task.created) task._by.created = task._by.placed;
    }
    for (const inst of data.instances) {
      const own = (t) => byInst.get(t + "|" + inst.id);
      inst._by = {
        launched: pick(own(inst.launched), /launch/) ?? pick(byWord.get(inst.launched + "|launch")),
        registered: inst.registered === null ? undefined : pick(own(inst.registered), /registered/),
        terminated: inst.terminated === null ? undefined : pick(own(inst.terminated), /lost|terminat|interrupt/) ?? pick(byWord.get(inst.terminated + "|terminate")),
      };
      // Why it went, in the narration's words.
      const why = inst._by.terminated;
      inst._why = inst.terminated === null ? "" : why === undefined ? "terminated" : data.narration[why][1];
    }
    data._prepared = true;
    return data;
  }

  const by = (o, k) => (o._by ? o._by[k] : undefined);

  function taskStateAt(task, at) {
    const c = cursor(at);
    if (!happened(task.created, by(task, "created"), c)) return null;
    if (happened(task.stopped, by(task, "stopped"), c)) return "STOPPED";
    if (happened(task.running, by(task, "running"), c)) return "RUNNING";
    if (happened(task.placed, by(task, "placed"), c)) return "PENDING";
    return "PROVISIONING";
  }

  function instanceStateAt(inst, at) {
    const c = cursor(at);
    if (!happened(inst.launched, by(inst, "launched"), c)) return null;
    if (happened(inst.terminated, by(inst, "terminated"), c)) return "TERMINATED";
    if (inst.registered === null || !happened(inst.registered, by(inst, "registered"), c)) return "LAUNCHING";
    return "ACTIVE";
  }

  // The cluster at a cursor. Terminated instances stay as tombstones (with the tasks
  // they held when they went), and stopped tasks gather in `stopped`, newest first.
  function stateAt(data, at) {
    const c = cursor(at);
    const byId = new Map();
    const instances = [];
    const tombstones = [];
    for (const inst of data.instances) {
      const state = instanceStateAt(inst, c);
      if (state === null) continue;
      const view = { inst, state, tasks: [], cpuUsed: 0, memUsed: 0, lost: [] };
      byId.set(inst.id, view);
      (state === "TERMINATED" ? tombstones : instances).push(view);
    }
    const fargate = [];
    const waiting = [];
    const stopped = [];
    let running = 0;
    let pending = 0;
    for (const task of data.tasks) {
      const state = taskStateAt(task, c);
      if (state === null) continue;
      const entry = { task, state };
      if (state === "STOPPED") {
        stopped.push(entry);
        const v = task.instance && byId.get(task.instance);
        if (v && v.state === "TERMINATED" && task.stopped === v.inst.terminated) v.lost.push(entry);
        continue;
      }
      if (state === "RUNNING") running++;
      else pending++;
      if (state === "PROVISIONING") {
        waiting.push(entry);
      } else if (task.instance && byId.has(task.instance)) {
        const v = byId.get(task.instance);
        v.tasks.push(entry);
        v.cpuUsed += task.cpu;
        v.memUsed += task.memory;
      } else {
        fargate.push(entry);
      }
    }
    waiting.sort((a, b) => a.task.id - b.task.id);
    stopped.sort((a, b) => b.task.stopped - a.task.stopped || b.task.id - a.task.id);
    return { t: c.t, instances, tombstones, fargate, waiting, stopped, running, pending };
  }

  // Every instant something happens, ascending and unique.
  function eventTimes(data) {
    const set = new Set();
    for (const [t] of data.narration) set.add(t);
    for (const task of data.tasks) {
      for (const k of ["created", "placed", "running", "stopped"]) {
        if (task[k] !== null) set.add(task[k]);
      }
    }
    for (const inst of data.instances) {
      for (const k of ["launched", "registered", "terminated"]) {
        if (inst[k] !== null) set.add(inst[k]);
      }
    }
    return Array.from(set).filter((t) => t <= data.horizon_ms).sort((a, b) => a - b);
  }

  // One step per decision: each narration headline, plus each instant no headline names.
  function steps(data) {
    const heads = new Map();
    data.narration.forEach(([t, line], i) => {
      if (!isHeadline(line)) return;
      const l = heads.get(t);
      if (l) l.push(i); else heads.set(t, [i]);
    });
    const out = [];
    for (const t of eventTimes(data)) {
      const l = heads.get(t);
      if (l) for (const k of l) out.push({ t, k });
      else out.push({ t, k: ALL });
    }
    return out;
  }

  // The cursor showing every event at t: the instant's last step, so that stepping back
  // from a time jumped to moves visibly.
  function settle(list, t) {
    let lo = 0, hi = list.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (list[mid].t <= t) lo = mid + 1; else hi = mid; }
    return lo > 0 && list[lo - 1].t === t ? list[lo - 1] : { t, k: ALL };
  }

  function nextStep(list, at) {
    const c = cursor(at);
    let lo = 0, hi = list.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cmp(list[mid], c) <= 0) lo = mid + 1; else hi = mid; }
    return lo < list.length ? list[lo] : null;
  }

  function prevStep(list, at) {
    const c = cursor(at);
    let lo = 0, hi = list.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (cmp(list[mid], c) < 0) lo = mid + 1; else hi = mid; }
    return lo > 0 ? list[lo - 1] : null;
  }

  // Tasks RUNNING, tasks not yet RUNNING and instances alive after every event at each of
  // `times`, by summing each life's start and end once (not a state per instant).
  function countsOver(data, times) {
    const delta = new Map();
    const add = (t, i, d) => { if (t === null) return; let v = delta.get(t); if (!v) { v = [0, 0, 0]; delta.set(t, v); } v[i] += d; };
    for (const task of data.tasks) {
      const end = task.stopped;
      if (task.running !== null) { add(task.running, 0, 1); add(end, 0, -1); }
      add(task.created, 1, 1);
      add(task.running !== null ? task.running : end, 1, -1);
    }
    for (const inst of data.instances) { add(inst.launched, 2, 1); add(inst.terminated, 2, -1); }
    const acc = [0, 0, 0];
    const keys = Array.from(delta.keys()).sort((a, b) => a - b);
    const out = [];
    let j = 0;
    for (const t of times) {
      while (j < keys.length && keys[j] <= t) { const d = delta.get(keys[j]); acc[0] += d[0]; acc[1] += d[1]; acc[2] += d[2]; j++; }
      out.push({ t, running: acc[0], pending: acc[1], instances: acc[2] });
    }
    return out;
  }

  // A step-shaped SVG path through (t, v) points: flat until the next point's time, then
  // straight up or down, so a count that changes at one instant changes vertically.
  function stepPath(points, x, y) {
    let d = "";
    points.forEach(([t, v], i) => {
      const X = x(t).toFixed(1), Y = y(v).toFixed(1);
      d += i === 0 ? "M" + X + " " + Y : "H" + X + "V" + Y;
    });
    return d;
  }

  // The index of the last sample at or before t; -1 before the first.
  function sampleAt(sampleMs, t) {
    let lo = 0, hi = sampleMs.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sampleMs[mid] <= t) lo = mid + 1; else hi = mid; }
    return lo - 1;
  }

  // Where each service's production traffic is at time t: [[revision, percent], ...],
  // blue first; null for a service no staged deployment has moved yet.
  function trafficAt(data, service, t) {
    let last = null;
    for (const e of data.traffic || []) {
      if (e.service !== service || e.t > t) continue;
      last = e;
    }
    if (!last) return null;
    if (last.green_percent <= 0) return [[last.blue, 100]];
    if (last.green_percent >= 100) return [[last.green, 100]];
    return [[last.blue, 100 - last.green_percent], [last.green, last.green_percent]];
  }

  // Narration headlines worth a mark on the timeline, by kind.
  function markerKind(line) {
    if (!isHeadline(line)) return null;
    if (/ lost: |interruption notice/.test(line)) return "failure";
    if (/STOPPED: (?!EssentialContainerExited|ServiceSchedulerInitiated)/.test(line)) return "stop";
    if (/deploys |deployment of |production traffic|rolls back/.test(line)) return "deployment";
    if (/managed scaling|desiredCount|auto scaling|scales (out|in)/.test(line)) return "scaling";
    return null;
  }

  // "90", "1:30", "01:02:03" or "1m30s" → milliseconds; null if unreadable.
  function parseTime(text) {
    const s = String(text).trim();
    if (/^\d+(\.\d+)?$/.test(s)) return Math.round(parseFloat(s) * 1000);
    if (/^\d+(:\d{1,2}){1,2}(\.\d+)?$/.test(s)) {
      return Math.round(s.split(":").reduce((acc, p) => acc * 60 + parseFloat(p), 0) * 1000);
    }
    const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(s);
    if (m && s !== "") return Math.round(((+(m[1] || 0)) * 3600 + (+(m[2] || 0)) * 60 + (+(m[3] || 0))) * 1000);
    return null;
  }

  function formatTime(ms) {
    const total = Math.floor(ms / 1000);
    const pad = (n) => String(n).padStart(2, "0");
    const frac = ms % 1000 ? "." + String(ms % 1000).padStart(3, "0") : "";
    return pad(Math.floor(total / 3600)) + ":" + pad(Math.floor(total / 60) % 60) + ":" + pad(total % 60) + frac;
  }

  // Narration lines that mention the task ("task 12 (") or instance id, with times.
  function historyOf(data, word) {
    return data.narration.filter(([, line]) => line.includes(word));
  }

  function taskWord(task) { return "task " + task.id + " ("; }

  return { prepare, taskStateAt, instanceStateAt, stateAt, eventTimes, steps, settle, nextStep, prevStep, countsOver, stepPath, sampleAt, trafficAt, markerKind, parseTime, formatTime, historyOf, taskWord };
})();

if (typeof module !== "undefined") module.exports = Replay;

if (typeof document !== "undefined") {
  (function () {
    const data = Replay.prepare(JSON.parse(document.getElementById("replay-data").textContent));
    const times = Replay.eventTimes(data);
    const steps = Replay.steps(data);
    const $ = (id) => document.getElementById(id);
    // A service that runs more than one revision gets a colour per revision (blue/green).
    const revisions = new Map();
    // In creation order, so the first revision takes the first colour (blue), the next green.
    for (const t of [...data.tasks].sort((a, b) => a.id - b.id)) {
      if (!revisions.has(t.origin)) revisions.set(t.origin, []);
      const l = revisions.get(t.origin);
      if (!l.includes(t.task_definition)) l.push(t.task_definition);
    }
    const keyOf = (task) => (revisions.get(task.origin).length > 1 ? task.origin + " · " + task.task_definition : task.origin);
    const keys = [];
    for (const [o, defs] of revisions) for (const d of defs) { const k = defs.length > 1 ? o + " · " + d : o; if (!keys.includes(k)) keys.push(k); }
    const palette = ["#4e79a7", "#59a14f", "#f28e2b", "#b07aa1", "#e15759", "#76b7b2", "#edc948", "#9c755f"];
    const colourOfKey = (k) => palette[Math.max(0, keys.indexOf(k)) % palette.length];
    const colour = (task) => colourOfKey(keyOf(task));
    const revisionColour = (service, def) => colourOfKey((revisions.get(service) || []).length > 1 ? service + " · " + def : service);
    let cur = { t: 0, k: Infinity }, playing = false, speed = 60, selected = null, lastFrame = null;

    const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };
    const svgNS = "http://www.w3.org/2000/svg";
    const svgEl = (tag, attrs) => { const e = document.createElementNS(svgNS, tag); for (const k in attrs) e.setAttribute(k, attrs[k]); return e; };

    function legend() {
      const box = $("legend");
      for (const k of keys) {
        const item = el("span", "key");
        const sw = el("span", "swatch"); sw.style.background = colourOfKey(k);
        item.append(sw, k);
        box.append(item);
      }
      box.append(el("span", "key hint", "solid: RUNNING · striped: PENDING (placed, starting) · outlined: waiting for capacity · crossed: STOPPED"));
    }

    function taskChip(entry) {
      const c = el("span", "chip " + entry.state.toLowerCase(), String(entry.task.id));
      c.style.setProperty("--c", colour(entry.task));
      c.title = "task " + entry.task.id + " (" + entry.task.origin + ", " + entry.task.task_definition + ") " + entry.state + (entry.state === "STOPPED" ? ": " + entry.task.stop_reason + " at " + Replay.formatTime(entry.task.stopped) : "");
      c.dataset.task = entry.task.id;
      c.onclick = (ev) => { ev.stopPropagation(); select({ task: entry.task }); };
      return c;
    }

    function bar(label, used, total, entries, key) {
      const row = el("div", "bar-row");
      row.append(el("span", "bar-label", label));
      const b = el("div", "bar");
      for (const e of entries) {
        const seg = el("span", "seg " + e.state.toLowerCase());
        seg.style.width = (100 * e.task[key] / total) + "%";
        seg.style.setProperty("--c", colour(e.task));
        seg.title = "task " + e.task.id + " (" + keyOf(e.task) + "): " + e.task[key] + (key === "cpu" ? " CPU units" : " MiB");
        seg.onclick = (ev) => { ev.stopPropagation(); select({ task: e.task }); };
        b.append(seg);
      }
      row.append(b, el("span", "bar-num", used + " / " + total));
      return row;
    }

    // Chips grouped by revision where a service runs several, so blue and green sit side
    // by side.
    function chipsByRevision(box, entries) {
      const groups = new Map();
      for (const e of entries) { const k = keyOf(e.task); if (!groups.has(k)) groups.set(k, []); groups.get(k).push(e); }
      for (const [k, list] of groups) {
        const g = el("div", "rev");
        g.append(el("span", "rev-name", k.split(" · ").pop() + " "));
        for (const e of list) g.append(taskChip(e));
        box.append(g);
      }
    }

    function drawCluster(s) {
      const box = $("cluster");
      box.textContent = "";
      for (const az of data.availability_zones) {
        const col = el("section", "az");
        col.append(el("h3", null, az));
        for (const v of s.instances.filter((v) => v.inst.az === az)) {
          const card = el("div", "instance " + v.state.toLowerCase() + (selected && selected.inst === v.inst ? " selected" : ""));
          card.dataset.instance = v.inst.id;
          card.dataset.runningTasks = v.tasks.filter((e) => e.state === "RUNNING").length;
          card.dataset.state = v.state;
          card.onclick = () => select({ inst: v.inst });
          const head = el("div", "inst-head");
          head.append(el("b", null, v.inst.id), el("span", "muted", " " + v.inst.instance_type + (v.inst.spot ? " Spot" : "") + " · " + v.state + " · " + v.tasks.length + " task(s)"));
          card.append(head, bar("CPU", v.cpuUsed, v.inst.cpu, v.tasks, "cpu"), bar("memory", v.memUsed, v.inst.memory, v.tasks, "memory"));
          col.append(card);
        }
        const fg = s.fargate.filter((e) => e.task.az === az);
        if (fg.length) {
          const lane = el("div", "fargate");
          lane.append(el("div", "muted", "Fargate: " + fg.length + " task(s)"));
          chipsByRevision(lane, fg);
          col.append(lane);
        }
        // Tombstones: instances gone, with why and the tasks that went with them.
        for (const v of s.tombstones.filter((v) => v.inst.az === az)) {
          const card = el("div", "instance tombstone" + (selected && selected.inst === v.inst ? " selected" : ""));
          card.dataset.instance = v.inst.id;
          card.dataset.runningTasks = 0;
          card.dataset.state = "TERMINATED";
          card.dataset.reason = v.inst._why;
          card.onclick = () => select({ inst: v.inst });
          const head = el("div", "inst-head");
          head.append(el("b", null, "✝ " + v.inst.id), el("span", "muted", " gone at " + Replay.formatTime(v.inst.terminated)));
          card.append(head, el("div", "why", v.inst._why));
          // Its tasks: stopped with it, or (stepping through its loss) about to be.
          const went = [...v.lost, ...v.tasks];
          if (went.length) {
            const lost = el("div", "lost", "tasks stopped with it: ");
            for (const e of went) lost.append(taskChip(e));
            card.append(lost);
          }
          col.append(card);
        }
        box.append(col);
      }
      const q = $("queue");
      q.textContent = "";
      q.append(el("b", null, "PROVISIONING queue (waiting for capacity): " + s.waiting.length + " "));
      for (const e of s.waiting.slice(0, 200)) q.append(taskChip(e));
      if (s.waiting.length > 200) q.append(el("span", "muted", " … " + (s.waiting.length - 200) + " more"));
      drawStopped(s);
    }

    // The stopped tray: every task stopped so far, grouped by ECS's stop reason.
    function drawStopped(s) {
      const box = $("stopped");
      box.textContent = "";
      box.dataset.count = s.stopped.length;
      box.append(el("b", null, "STOPPED tasks: " + s.stopped.length));
      if (!s.stopped.length) { box.append(el("span", "muted", " (none yet)")); return; }
      const groups = new Map();
      for (const e of s.stopped) { const r = e.task.stop_reason || "—"; if (!groups.has(r)) groups.set(r, []); groups.get(r).push(e); }
      for (const [reason, list] of groups) {
        const g = el("div", "reason");
        g.dataset.reason = reason;
        g.dataset.count = list.length;
        const fresh = list.filter((e) => e.task.stopped === cur.t).length;
        g.append(el("span", "reason-name", reason + " × " + list.length + (fresh ? " (" + fresh + " just now)" : "") + " "));
        for (const e of list.slice(0, 60)) { const c = taskChip(e); if (e.task.stopped === cur.t) c.classList.add("fresh"); g.append(c); }
        if (list.length > 60) g.append(el("span", "muted", " … " + (list.length - 60) + " more"));
        box.append(g);
      }
    }

    // Services with more than one revision: each revision's tasks and traffic share.
    function drawRevisions(s) {
      const box = $("revisions");
      box.textContent = "";
      const alive = [...s.fargate, ...s.waiting, ...s.instances.flatMap((v) => v.tasks)];
      for (const [service, defs] of revisions) {
        if (defs.length < 2) continue;
        const row = el("div", "rev-row");
        row.append(el("b", null, service + ": "));
        const traffic = Replay.trafficAt(data, service, cur.t);
        const moves = (data.traffic || []).filter((e) => e.service === service && e.t <= cur.t);
        const last = moves[moves.length - 1];
        // ECS's roles, not the swatch colours (one colour per revision throughout the run).
        const role = (d) => (!last ? "" : d === last.blue ? " (blue: traffic leaves it)" : d === last.green ? " (green: traffic moves to it)" : "");
        for (const d of defs) {
          const mine = alive.filter((e) => e.task.origin === service && e.task.task_definition === d);
          if (!mine.length && !(traffic && traffic.some(([r]) => r === d))) continue;
          const share = traffic ? (traffic.find(([r]) => r === d) || [d, 0])[1] : null;
          const item = el("span", "rev-item");
          const sw = el("span", "swatch"); sw.style.background = revisionColour(service, d);
          const running = mine.filter((e) => e.state === "RUNNING").length;
          item.append(sw, d + role(d) + ": " + running + " RUNNING" + (mine.length > running ? " + " + (mine.length - running) + " starting" : "") + (share === null ? "" : " · " + share + "% of traffic"));
          item.dataset.revision = d;
          item.dataset.traffic = share === null ? "" : share;
          row.append(item);
        }
        box.append(row);
      }
    }

    function drawNarration() {
      const box = $("narration");
      box.textContent = "";
      let last = -1;
      for (let i = 0; i < data.narration.length; i++) {
        const [t, line] = data.narration[i];
        if (t > cur.t || (t === cur.t && i > cur.k && !line.startsWith("  "))) break;
        last = i;
      }
      const from = Math.max(0, last - 60);
      for (let i = from; i <= last; i++) {
        const [t, line] = data.narration[i];
        const current = t === cur.t && (cur.k === Infinity || i >= cur.k);
        const p = el("div", "line" + (current ? " current" : "") + (line.startsWith("  ") ? " cont" : ""));
        p.append(el("span", "t", Replay.formatTime(t)), document.createTextNode(" " + line));
        box.append(p);
      }
      box.scrollTop = box.scrollHeight;
    }

    function drawDetails() {
      const box = $("details");
      box.textContent = "";
      if (!selected) { box.append(el("p", "muted", "Click a task or an instance for its details and history.")); return; }
      let title, facts, word;
      if (selected.task) {
        const t = selected.task;
        title = "task " + t.id + " (" + t.kind + " " + t.origin + ")";
        facts = [["task definition", t.task_definition], ["launch type", t.launch_type], ["instance", t.instance || "—"], ["AZ", t.az || "—"],
          ["CPU / memory", t.cpu + " units / " + t.memory + " MiB"], ["created", Replay.formatTime(t.created)],
          ["placed", t.placed === null ? "—" : Replay.formatTime(t.placed)], ["RUNNING", t.running === null ? "—" : Replay.formatTime(t.running)],
          ["stopped", t.stopped === null ? "—" : Replay.formatTime(t.stopped) + " (" + t.stop_reason + ")"], ["state now", Replay.taskStateAt(t, cur) || "not yet created"]];
        word = Replay.taskWord(t);
      } else {
        const i = selected.inst;
        title = "instance " + i.id;
        facts = [["type", i.instance_type + (i.spot ? " (Spot)" : "")], ["pool", i.pool], ["AZ", i.az], ["registers", i.cpu + " CPU units, " + i.memory + " MiB"],
          ["launched", Replay.formatTime(i.launched)], ["ACTIVE from", i.registered === null ? "never" : Replay.formatTime(i.registered)],
          ["terminated", i.terminated === null ? "—" : Replay.formatTime(i.terminated) + " (" + i._why + ")"], ["state now", Replay.instanceStateAt(i, cur) || "not yet launched"]];
        word = i.id;
      }
      box.append(el("h3", null, title));
      const dl = el("dl");
      for (const [k, v] of facts) dl.append(el("dt", null, k), el("dd", null, v));
      box.append(dl, el("h4", null, "history"));
      for (const [t, line] of Replay.historyOf(data, word)) {
        const p = el("div", "line" + (t <= cur.t ? "" : " future"));
        p.append(el("span", "t", Replay.formatTime(t)), document.createTextNode(" " + line.trim()));
        box.append(p);
      }
    }

    function select(s) { selected = s; render(); }

    function render() {
      const s = Replay.stateAt(data, cur);
      $("clock").textContent = Replay.formatTime(cur.t);
      $("slider").value = cur.t;
      const st = $("status");
      st.dataset.timeMs = cur.t;
      st.dataset.running = s.running;
      st.dataset.pending = s.pending;
      st.dataset.instances = s.instances.length;
      st.dataset.step = cur.k === Infinity ? "" : cur.k;
      const inInstant = steps.filter((x) => x.t === cur.t && x.k !== Infinity);
      const pos = inInstant.findIndex((x) => x.k === cur.k);
      st.textContent = s.running + " RUNNING · " + s.pending + " not yet RUNNING (" + s.waiting.length + " waiting for capacity) · " + s.instances.length + " instance(s)" +
        (s.tombstones.length ? " (+" + s.tombstones.length + " gone)" : "") + " · " + s.stopped.length + " STOPPED" +
        (inInstant.length > 1 ? " · decision " + (pos >= 0 ? pos + 1 : inInstant.length) + " of " + inInstant.length + " at this instant" : "") +
        (data.warmup_ms > 0 ? (cur.t < data.warmup_ms ? " · warm-up" : " · measuring") : "");
      for (const c of document.querySelectorAll(".cursor")) c.setAttribute("x1", 1000 * cur.t / data.horizon_ms), c.setAttribute("x2", 1000 * cur.t / data.horizon_ms);
      drawCluster(s);
      drawRevisions(s);
      drawMetricValues();
      drawNarration();
      drawDetails();
      const hash = "#t=" + cur.t / 1000;
      if (location.hash.split("&")[0] !== hash) history.replaceState(null, "", hash);
    }

    function go(t) { cur = Replay.settle(steps, Math.max(0, Math.min(data.horizon_ms, t))); render(); }
    function goStep(c) { cur = c; render(); }

    const W = 1000;
    const xOf = (t) => W * t / data.horizon_ms;
    function clickToTime(svg) {
      svg.onclick = (ev) => {
        const r = svg.getBoundingClientRect();
        go(Math.round(data.horizon_ms * (ev.clientX - r.left) / r.width));
      };
    }

    function timeline() {
      // RUNNING and not-yet-RUNNING tasks as steps, with a row of event marks under them.
      const h = 60, svg = $("timeline-svg");
      const counts = Replay.countsOver(data, times);
      let max = 1;
      for (const c of counts) max = Math.max(max, c.running, c.pending);
      const y = (v) => 4 + (h - 8) * (1 - v / max);
      const pts = (key) => counts.map((c) => [c.t, c[key]]).concat([[data.horizon_ms, counts.length ? counts[counts.length - 1][key] : 0]]);
      if (data.warmup_ms > 0) svg.append(svgEl("rect", { x: 0, y: 0, width: xOf(data.warmup_ms), height: h + 16, fill: "#000", opacity: ".06" }));
      svg.append(svgEl("path", { d: Replay.stepPath(pts("pending"), xOf, y), fill: "none", stroke: "#e8a33d", "stroke-width": 1.5, "vector-effect": "non-scaling-stroke" }));
      svg.append(svgEl("path", { d: Replay.stepPath(pts("running"), xOf, y), fill: "none", stroke: "#4e79a7", "stroke-width": 2, "vector-effect": "non-scaling-stroke" }));
      const colours = { failure: "#c0392b", stop: "#e67e22", scaling: "#2c7fb8", deployment: "#8e44ad" };
      const seen = new Set();
      for (const [t, line] of data.narration) {
        const kind = Replay.markerKind(line);
        if (!kind || seen.has(kind + t)) continue;
        seen.add(kind + t);
        const m = svgEl("rect", { x: xOf(t) - 1.5, y: h + 3 + Object.keys(colours).indexOf(kind) * 3, width: 3, height: 3, fill: colours[kind] });
        const title = svgEl("title", {}); title.textContent = Replay.formatTime(t) + " " + line;
        m.append(title);
        svg.append(m);
      }
      svg.append(svgEl("line", { class: "cursor", x1: 0, x2: 0, y1: 0, y2: h + 16, stroke: "#c33", "stroke-width": 2, "vector-effect": "non-scaling-stroke" }));
      $("timeline-max").innerHTML = "";
      const cap = $("timeline-max");
      cap.append(el("span", "k run", "— RUNNING tasks"), el("span", "k pend", "— not yet RUNNING"), el("span", "muted", " (peak " + max + "; click to jump) · marks: "));
      for (const [k, c] of Object.entries(colours)) { const s = el("span", "k", "■ " + (k === "stop" ? "task stopped (not by its own end)" : k === "failure" ? "instance lost / Spot notice" : k)); s.style.color = c; cap.append(s); }
      clickToTime(svg);
      const axis = $("axis");
      for (let i = 0; i <= 6; i++) {
        const tick = el("span", null, Replay.formatTime(Math.round(data.horizon_ms * i / 6)).replace(/\.\d+$/, ""));
        tick.style.left = (100 * i / 6) + "%";
        axis.append(tick);
      }
    }

    // The metrics strip: one small step chart per panel, its target dashed.
    const panels = new Map();
    function metrics() {
      const box = $("metrics");
      for (const m of data.metrics) { if (!panels.has(m.panel)) panels.set(m.panel, []); panels.get(m.panel).push(m); }
      for (const [service] of revisions) if ((data.traffic || []).some((e) => e.service === service)) panels.set(service + ": production traffic (%)", "traffic:" + service);
      if (!panels.size) { box.remove(); return; }
      const lineColours = ["#4e79a7", "#e8a33d"];
      for (const [title, series] of panels) {
        const row = el("div", "metric");
        const head = el("div", "metric-head");
        head.append(el("span", "metric-title", title), el("span", "metric-now"));
        row.append(head);
        const h = 34;
        const svg = svgEl("svg", { viewBox: "0 0 " + W + " " + h, preserveAspectRatio: "none" });
        if (typeof series === "string") {
          drawTraffic(svg, series.slice(8), h);
        } else {
          let max = 1;
          for (const m of series) { for (const v of m.values) if (v !== null) max = Math.max(max, v); if (m.target !== null) max = Math.max(max, m.target); }
          max *= 1.1;
          const y = (v) => 2 + (h - 4) * (1 - v / max);
          series.forEach((m, i) => {
            if (m.target !== null) svg.append(svgEl("line", { x1: 0, x2: W, y1: y(m.target), y2: y(m.target), stroke: "#c33", "stroke-dasharray": "6 4", "stroke-width": 1, "vector-effect": "non-scaling-stroke" }));
            const pts = [];
            m.values.forEach((v, j) => { if (v !== null) pts.push([data.sample_ms[j], v]); });
            if (pts.length) svg.append(svgEl("path", { d: Replay.stepPath(pts, xOf, y), fill: "none", stroke: lineColours[i % 2], "stroke-width": 1.5, "vector-effect": "non-scaling-stroke" }));
          });
        }
        svg.append(svgEl("line", { class: "cursor", x1: 0, x2: 0, y1: 0, y2: h, stroke: "#c33", "stroke-width": 2, "vector-effect": "non-scaling-stroke" }));
        clickToTime(svg);
        row.append(svg);
        row._series = series;
        box.append(row);
      }
    }

    function drawTraffic(svg, service, h) {
      const moves = data.traffic.filter((e) => e.service === service);
      const edges = [0, ...moves.map((e) => e.t), data.horizon_ms];
      for (let i = 0; i + 1 < edges.length; i++) {
        const mix = i === 0 ? [[moves[0].blue, 100]] : Replay.trafficAt(data, service, edges[i]);
        let top = 0;
        for (const [rev, pct] of mix) {
          svg.append(svgEl("rect", { x: xOf(edges[i]), width: Math.max(0, xOf(edges[i + 1]) - xOf(edges[i])), y: h * top / 100, height: h * pct / 100, fill: revisionColour(service, rev), opacity: ".85" }));
          top += pct;
        }
      }
    }

    function drawMetricValues() {
      const i = Replay.sampleAt(data.sample_ms || [], cur.t);
      for (const row of document.querySelectorAll("#metrics .metric")) {
        const series = row._series, now = row.querySelector(".metric-now");
        if (typeof series === "string") {
          const mix = Replay.trafficAt(data, series.slice(8), cur.t);
          now.textContent = mix ? mix.map(([r, p]) => r + " " + p + "%").join(" · ") : "no traffic shift yet";
          continue;
        }
        const fmt = (v) => (v === null || v === undefined ? "—" : Number.isInteger(v) ? String(v) : v.toFixed(1));
        now.textContent = (i < 0 ? "before the first sample" : "at " + Replay.formatTime(data.sample_ms[i]) + ": ") +
          (i < 0 ? "" : series.map((m) => m.label + " " + fmt(m.values[i]) + (m.target !== null ? " (target " + fmt(m.target) + ")" : "")).join(" · "));
      }
    }

    function tick(ts) {
      if (!playing) { lastFrame = null; return; }
      if (lastFrame !== null) {
        const next = cur.t + (ts - lastFrame) * speed;
        if (next >= data.horizon_ms) { playing = false; $("play").textContent = "▶ play"; }
        go(Math.round(next));
      }
      lastFrame = ts;
      requestAnimationFrame(tick);
    }

    $("play").onclick = () => { playing = !playing; $("play").textContent = playing ? "❚❚ pause" : "▶ play"; if (playing) requestAnimationFrame(tick); };
    $("next").onclick = () => { const c = Replay.nextStep(steps, cur); if (c !== null) goStep(c); };
    $("prev").onclick = () => { const c = Replay.prevStep(steps, cur); if (c !== null) goStep(c); };
    $("speed").onchange = (e) => { speed = +e.target.value; };
    $("slider").max = data.horizon_ms;
    $("slider").oninput = (e) => go(+e.target.value);
    $("jump").onsubmit = (e) => { e.preventDefault(); const t = Replay.parseTime($("jump-to").value); $("jump-to").classList.toggle("bad", t === null); if (t !== null) go(t); };
    document.addEventListener("keydown", (e) => {
      if (e.target.tagName === "INPUT") return;
      if (e.key === "ArrowRight") $("next").click();
      if (e.key === "ArrowLeft") $("prev").click();
      if (e.key === " ") { e.preventDefault(); $("play").click(); }
    });
    legend();
    timeline();
    metrics();
    // #t=SECONDS opens at a time; &step=N then presses next (or, negative, prev) N times,
    // as a learner would; each step visited is logged in #steplog (how the browser check
    // drives and reads the page).
    const m = /#t=([\d.]+)(?:&step=(-?\d+))?/.exec(location.hash);
    go(m ? Math.round(parseFloat(m[1]) * 1000) : 0);
    const n = m && m[2] ? parseInt(m[2], 10) : 0;
    const log = $("steplog");
    for (let i = 0; i < Math.abs(n); i++) {
      $(n > 0 ? "next" : "prev").click();
      const st = $("status").dataset;
      const head = cur.k === Infinity ? "" : data.narration[cur.k][1];
      log.append(el("div", "visited", [st.timeMs, st.running, st.pending, st.instances, head].join("\t")));
    }
  })();
}
