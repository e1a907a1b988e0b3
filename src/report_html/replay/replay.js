// The replay viewer. The pure part (state at a time, event times, histories) is
// exported for `node --test`; the page part runs only in a browser.
"use strict";

const Replay = (function () {
  function taskStateAt(task, t) {
    if (t < task.created) return null;
    if (task.stopped !== null && t >= task.stopped) return "STOPPED";
    if (task.running !== null && t >= task.running) return "RUNNING";
    if (task.placed !== null && t >= task.placed) return "PENDING";
    return "PROVISIONING";
  }

  function instanceStateAt(inst, t) {
    if (t < inst.launched) return null;
    if (inst.terminated !== null && t >= inst.terminated) return "TERMINATED";
    if (inst.registered === null || t < inst.registered) return "LAUNCHING";
    return "ACTIVE";
  }

  // The cluster after every event at time t (as the simulator's samples see it).
  function stateAt(data, t) {
    const byId = new Map();
    const instances = [];
    for (const inst of data.instances) {
      const state = instanceStateAt(inst, t);
      if (state === null || state === "TERMINATED") continue;
      const view = { inst, state, tasks: [], cpuUsed: 0, memUsed: 0 };
      byId.set(inst.id, view);
      instances.push(view);
    }
    const fargate = [];
    const waiting = [];
    let running = 0;
    let pending = 0;
    for (const task of data.tasks) {
      const state = taskStateAt(task, t);
      if (state === null || state === "STOPPED") continue;
      if (state === "RUNNING") running++;
      else pending++;
      const entry = { task, state };
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
    return { t, instances, fargate, waiting, running, pending };
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

  function nextTime(times, t) {
    let lo = 0, hi = times.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (times[mid] <= t) lo = mid + 1; else hi = mid; }
    return lo < times.length ? times[lo] : null;
  }

  function prevTime(times, t) {
    let lo = 0, hi = times.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (times[mid] < t) lo = mid + 1; else hi = mid; }
    return lo > 0 ? times[lo - 1] : null;
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

  return { taskStateAt, instanceStateAt, stateAt, eventTimes, nextTime, prevTime, parseTime, formatTime, historyOf, taskWord };
})();

if (typeof module !== "undefined") module.exports = Replay;

if (typeof document !== "undefined") {
  (function () {
    const data = JSON.parse(document.getElementById("replay-data").textContent);
    const times = Replay.eventTimes(data);
    const $ = (id) => document.getElementById(id);
    const origins = Array.from(new Set(data.tasks.map((t) => t.origin)));
    const palette = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#e15759", "#76b7b2", "#edc948", "#9c755f"];
    const colour = (origin) => palette[origins.indexOf(origin) % palette.length];
    let now = 0, playing = false, speed = 60, selected = null, lastFrame = null;

    const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; };

    function legend() {
      const box = $("legend");
      for (const o of origins) {
        const item = el("span", "key");
        const sw = el("span", "swatch"); sw.style.background = colour(o);
        item.append(sw, o);
        box.append(item);
      }
      box.append(el("span", "key hint", "solid: RUNNING · striped: PENDING (placed, starting)"));
    }

    function taskChip(entry) {
      const c = el("span", "chip " + entry.state.toLowerCase(), String(entry.task.id));
      c.style.setProperty("--c", colour(entry.task.origin));
      c.title = "task " + entry.task.id + " (" + entry.task.origin + ") " + entry.state;
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
        seg.style.setProperty("--c", colour(e.task.origin));
        seg.title = "task " + e.task.id + " (" + e.task.origin + "): " + e.task[key] + (key === "cpu" ? " CPU units" : " MiB");
        seg.onclick = (ev) => { ev.stopPropagation(); select({ task: e.task }); };
        b.append(seg);
      }
      row.append(b, el("span", "bar-num", used + " / " + total));
      return row;
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
          for (const e of fg) lane.append(taskChip(e));
          col.append(lane);
        }
        box.append(col);
      }
      const q = $("queue");
      q.textContent = "";
      q.append(el("b", null, "PROVISIONING queue (waiting for capacity): " + s.waiting.length + " "));
      for (const e of s.waiting.slice(0, 200)) q.append(taskChip(e));
      if (s.waiting.length > 200) q.append(el("span", "muted", " … " + (s.waiting.length - 200) + " more"));
    }

    function drawNarration() {
      const box = $("narration");
      box.textContent = "";
      let last = -1;
      for (let i = 0; i < data.narration.length && data.narration[i][0] <= now; i++) last = i;
      const from = Math.max(0, last - 60);
      for (let i = from; i <= last; i++) {
        const [t, line] = data.narration[i];
        const p = el("div", "line" + (t === now ? " current" : "") + (line.startsWith("  ") ? " cont" : ""));
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
          ["stopped", t.stopped === null ? "—" : Replay.formatTime(t.stopped) + " (" + t.stop_reason + ")"], ["state now", Replay.taskStateAt(t, now) || "not yet created"]];
        word = Replay.taskWord(t);
      } else {
        const i = selected.inst;
        title = "instance " + i.id;
        facts = [["type", i.instance_type + (i.spot ? " (Spot)" : "")], ["pool", i.pool], ["AZ", i.az], ["registers", i.cpu + " CPU units, " + i.memory + " MiB"],
          ["launched", Replay.formatTime(i.launched)], ["ACTIVE from", i.registered === null ? "never" : Replay.formatTime(i.registered)],
          ["terminated", i.terminated === null ? "—" : Replay.formatTime(i.terminated)], ["state now", Replay.instanceStateAt(i, now) || "not yet launched"]];
        word = i.id;
      }
      box.append(el("h3", null, title));
      const dl = el("dl");
      for (const [k, v] of facts) dl.append(el("dt", null, k), el("dd", null, v));
      box.append(dl, el("h4", null, "history"));
      for (const [t, line] of Replay.historyOf(data, word)) {
        const p = el("div", "line" + (t <= now ? "" : " future"));
        p.append(el("span", "t", Replay.formatTime(t)), document.createTextNode(" " + line.trim()));
        box.append(p);
      }
    }

    function select(s) { selected = s; render(); }

    function render() {
      const s = Replay.stateAt(data, now);
      $("clock").textContent = Replay.formatTime(now);
      $("slider").value = now;
      const st = $("status");
      st.dataset.timeMs = now;
      st.dataset.running = s.running;
      st.dataset.pending = s.pending;
      st.dataset.instances = s.instances.length;
      st.textContent = s.running + " RUNNING · " + s.pending + " not yet RUNNING (" + s.waiting.length + " waiting for capacity) · " + s.instances.length + " instance(s)" +
        (data.warmup_ms > 0 ? (now < data.warmup_ms ? " · warm-up" : " · measuring") : "");
      $("cursor").style.left = (100 * now / data.horizon_ms) + "%";
      drawCluster(s);
      drawNarration();
      drawDetails();
      if (location.hash !== "#t=" + now / 1000) history.replaceState(null, "", "#t=" + now / 1000);
    }

    function go(t) { now = Math.max(0, Math.min(data.horizon_ms, t)); render(); }

    function timeline() {
      // Running tasks over time, one polyline, sampled at every event.
      const w = 1000, h = 40, svg = $("timeline-svg");
      let max = 1;
      const pts = times.map((t) => { const r = Replay.stateAt(data, t).running; max = Math.max(max, r); return [t, r]; });
      const d = pts.map(([t, r], i) => (i ? "L" : "M") + (w * t / data.horizon_ms).toFixed(1) + " " + (h - h * r / max).toFixed(1)).join(" ");
      svg.innerHTML = '<path d="' + d + '" fill="none" stroke="#4e79a7" stroke-width="1.5"/>' +
        (data.warmup_ms > 0 ? '<rect x="0" y="0" width="' + (w * data.warmup_ms / data.horizon_ms) + '" height="' + h + '" fill="#000" opacity=".06"/>' : "");
      $("timeline-max").textContent = "RUNNING tasks (peak " + max + ")";
      $("timeline").onclick = (ev) => {
        const r = ev.currentTarget.getBoundingClientRect();
        go(Math.round(data.horizon_ms * (ev.clientX - r.left) / r.width));
      };
    }

    function tick(ts) {
      if (!playing) { lastFrame = null; return; }
      if (lastFrame !== null) {
        const next = now + (ts - lastFrame) * speed;
        if (next >= data.horizon_ms) { playing = false; $("play").textContent = "▶ play"; }
        go(Math.round(next));
      }
      lastFrame = ts;
      requestAnimationFrame(tick);
    }

    $("play").onclick = () => { playing = !playing; $("play").textContent = playing ? "❚❚ pause" : "▶ play"; if (playing) requestAnimationFrame(tick); };
    $("next").onclick = () => { const t = Replay.nextTime(times, now); if (t !== null) go(t); };
    $("prev").onclick = () => { const t = Replay.prevTime(times, now); if (t !== null) go(t); };
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
    // #t=SECONDS opens at a time; &step=N then steps N events (negative: back), as a
    // learner pressing next would: how the browser check drives the page.
    const m = /#t=([\d.]+)(?:&step=(-?\d+))?/.exec(location.hash);
    go(m ? Math.round(parseFloat(m[1]) * 1000) : 0);
    const steps = m && m[2] ? parseInt(m[2], 10) : 0;
    for (let i = 0; i < Math.abs(steps); i++) $(steps > 0 ? "next" : "prev").click();
  })();
}
