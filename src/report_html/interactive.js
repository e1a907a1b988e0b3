// Builds each .tchart of report.html with uPlot (inlined before this script): one uPlot per
// panel sharing one time axis, event rows below, and a brush over the whole run. Hovering
// shows every series' value at that time; dragging across a panel zooms all of them to
// that window (double-click: the whole run); dragging across the brush picks the window.
(function () {
  "use strict";
  const dash = "\u2013";
  const trim = (s) => (s.indexOf(".") < 0 ? s : s.replace(/0+$/, "").replace(/\.$/, ""));
  const short = (v) => {
    const a = Math.abs(v);
    if (a >= 1e6) return trim((v / 1e6).toFixed(1)) + "M";
    if (a >= 1e4) return trim((v / 1e3).toFixed(0)) + "k";
    if (a >= 100) return v.toFixed(0);
    if (a >= 1) return trim(v.toFixed(2));
    return a === 0 ? "0" : trim(v.toFixed(3));
  };
  // Readouts (more digits) and ticks, per panel format.
  const readout = {
    plain: (v) => short(v),
    count: (v) => String(Math.round(v)),
    percent: (v) => trim((v * 100).toFixed(1)) + "%",
    dollars: (v) => "$" + v.toFixed(v >= 100 ? 0 : 2),
  };
  const tick = {
    plain: (v) => short(v),
    count: (v) => (Math.abs(v - Math.round(v)) < 1e-9 ? String(Math.round(v)) : ""),
    percent: (v) => short(v * 100) + "%",
    dollars: (v) => "$" + short(v),
  };
  const show = (fmt) => (u, v) => (v == null ? dash : readout[fmt](v));

  // Every series of a panel on one x array (the union of theirs); a held series carries
  // its value forward over the others' x values, a joined one is left gapped (drawn across).
  function align(lines) {
    const xs = Array.from(new Set(lines.flatMap((l) => l.x))).sort((a, b) => a - b);
    const at = new Map(xs.map((x, i) => [x, i]));
    const ys = lines.map((l) => {
      const y = new Array(xs.length).fill(null);
      l.x.forEach((x, i) => (y[at.get(x)] = l.y[i]));
      if (l.step && l.x.length) {
        const first = at.get(l.x[0]);
        const last = at.get(l.x[l.x.length - 1]);
        for (let i = first + 1; i <= last; i++) if (y[i] == null) y[i] = y[i - 1];
      }
      return y;
    });
    return [xs, ...ys];
  }

  function shade(spec) {
    return (u) => {
      if (!spec.shade) return;
      const ctx = u.ctx;
      const a = u.valToPos(spec.shade.from, "x", true);
      const b = u.valToPos(spec.shade.to, "x", true);
      const left = Math.max(a, u.bbox.left);
      const right = Math.min(b, u.bbox.left + u.bbox.width);
      if (right <= left) return;
      ctx.save();
      ctx.fillStyle = "rgba(0,0,0,0.07)";
      ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
      ctx.restore();
    };
  }

  function build(host) {
    const spec = JSON.parse(host.querySelector("script[type='application/json']").textContent);
    const width = () => Math.max(320, host.clientWidth - 4);
    const sync = uPlot.sync("t-" + spec.name);
    const xLabel = (u, v) => (v == null ? "(point at the chart)" : trim(v.toFixed(2)) + " " + spec.x.unit);
    // One width for every vertical axis, so the panels, the event rows and the brush share
    // their left edge and a time lines up across them.
    const yAxis = 130;
    const charts = [];
    let busy = false;
    let brush = null;

    function setWindow(min, max, from) {
      if (busy) return;
      busy = true;
      for (const c of charts) if (c !== from) c.setScale("x", { min, max });
      if (brush) {
        const whole = min <= spec.x.min + 1e-9 && max >= spec.x.max - 1e-9;
        const left = brush.valToPos(min, "x");
        const right = brush.valToPos(max, "x");
        brush.setSelect({ left, width: whole ? 0 : right - left, top: 0, height: brush.bbox.height / devicePixelRatio }, false);
      }
      busy = false;
    }

    const onScale = (u, key) => {
      if (key === "x") setWindow(u.scales.x.min, u.scales.x.max, u);
    };

    const common = (height, last) => ({
      width: width(),
      height,
      scales: { x: { time: false, min: spec.x.min, max: spec.x.max } },
      cursor: { sync: { key: sync.key, scales: ["x", null] }, drag: { x: true, y: false } },
      hooks: { setScale: [onScale], drawClear: [shade(spec)] },
      legend: { live: true },
    });

    spec.panels.forEach((p, i) => {
      const last = i === spec.panels.length - 1 && spec.events.length === 0;
      const series = [{ label: "time", value: xLabel }];
      const bands = [];
      let lowerBand = 0;
      p.lines.forEach((l, k) => {
        const s = {
          label: l.label,
          stroke: l.color,
          width: l.reference ? 1 : 2,
          dash: l.dash,
          spanGaps: true,
          value: show(p.format),
          points: { show: l.dots, size: 7, fill: l.color },
        };
        if (l.dots) s.paths = () => null;
        else if (l.step) s.paths = uPlot.paths.stepped({ align: 1 });
        if (l.band) {
          const fill = l.color + "cc";
          if (lowerBand) bands.push({ series: [k + 1, lowerBand], fill });
          else s.fill = fill;
          lowerBand = k + 1;
        }
        series.push(s);
      });
      const opts = Object.assign(common(p.height, last), {
        series,
        bands,
        axes: [
          { label: last ? spec.x.label : undefined, values: (u, ts) => ts.map((t) => (last ? short(t) : "")), size: last ? 40 : 8 },
          {
            label: p.label,
            values: (u, ts) => ts.map(tick[p.format]),
            size: yAxis,
            incrs: p.format === "count" ? [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 1e4, 2e4, 5e4, 1e5, 1e6] : undefined,
          },
        ],
      });
      opts.scales.y = { range: [p.min, p.max] };
      const div = document.createElement("div");
      host.appendChild(div);
      charts.push(new uPlot(opts, align(p.lines), div));
    });

    if (spec.events.length) {
      const rows = spec.events.length;
      const lines = spec.events.map((e, r) => ({ x: e.x, y: e.x.map(() => rows - 1 - r), step: false }));
      const series = [{ label: "time", value: xLabel }].concat(
        spec.events.map((e) => ({
          label: e.label,
          stroke: e.color,
          paths: () => null,
          points: { show: true, size: 9, fill: e.color, stroke: e.color },
          value: (u, v) => (v == null ? "" : "\u25cf here"),
        }))
      );
      const opts = Object.assign(common(70 + rows * 26, true), {
        series,
        axes: [
          { label: spec.x.label, values: (u, ts) => ts.map(short), size: 40 },
          {
            size: yAxis,
            splits: () => spec.events.map((e, r) => r),
            values: (u, ts) => ts.map((t) => (spec.events[rows - 1 - t] || {}).label || ""),
            grid: { show: false },
          },
        ],
      });
      opts.scales.y = { range: [-0.6, rows - 0.4] };
      const div = document.createElement("div");
      host.appendChild(div);
      charts.push(new uPlot(opts, align(lines), div));
    }

    // The brush: the first panel's lines over the whole run; the selection is the window.
    const first = spec.panels[0];
    const note = document.createElement("p");
    note.className = "brush-note";
    note.textContent = "Time window: drag across this strip (or across any panel above) to zoom; double-click a panel or ";
    const reset = document.createElement("button");
    reset.type = "button";
    reset.textContent = "show the whole run";
    reset.addEventListener("click", () => setWindow(spec.x.min, spec.x.max, null));
    note.appendChild(reset);
    host.appendChild(note);
    const bdiv = document.createElement("div");
    bdiv.className = "brush";
    host.appendChild(bdiv);
    brush = new uPlot(
      {
        width: width(),
        height: 70,
        scales: { x: { time: false, min: spec.x.min, max: spec.x.max }, y: { range: [first.min, first.max] } },
        series: [{}].concat(first.lines.map((l) => ({ stroke: l.color, width: 1, spanGaps: true, points: { show: false }, paths: l.step ? uPlot.paths.stepped({ align: 1 }) : undefined }))),
        axes: [
          { values: (u, ts) => ts.map(short), size: 28 },
          { size: yAxis, values: (u, ts) => ts.map(() => ""), grid: { show: false }, ticks: { show: false } },
        ],
        legend: { show: false },
        cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
        hooks: {
          drawClear: [shade(spec)],
          setSelect: [
            (u) => {
              if (busy || u.select.width < 2) return;
              const min = u.posToVal(u.select.left, "x");
              const max = u.posToVal(u.select.left + u.select.width, "x");
              setWindow(min, max, null);
            },
          ],
        },
      },
      align(first.lines),
      bdiv
    );

    window.addEventListener("resize", () => {
      for (const c of charts.concat([brush])) c.setSize({ width: width(), height: c.height });
    });
  }

  for (const host of document.querySelectorAll(".tchart")) build(host);
})();
