// The matrix (heat map), the intents' results and the diff, for app.js (docs/web.md).
// ctx: { API, $, el, getJSON, traceFlow(source, destination, protocol, port), cy() , visibleNode(id) }
let ctx = null;
let diff = null;

function flowPort(port) { return port === null || port === undefined ? "" : String(port); }

// -- matrix ------------------------------------------------------------------------------------
function matrixParams() {
  const $ = ctx.$;
  const p = new URLSearchParams({ protocol: $("matrix-protocol").value, port: $("matrix-port").value,
    level: $("matrix-level").value });
  for (const k of ["vpc", "account", "tag"]) if ($(`matrix-${k}`).value.trim()) p.set(k, $(`matrix-${k}`).value.trim());
  return p;
}

function cellColor(c) {
  if (c.diff === "opened") return "#2e9e2e";
  if (c.diff === "closed") return "#d13212";
  if ("share" in c) return c.share === 0 ? "#f2f3f3" : `rgba(9, 114, 211, ${0.25 + 0.75 * c.share})`;
  return c.reachable ? "#0972d3" : "#f2f3f3";
}

function heatMap(m) {
  const { el } = ctx;
  const head = el("tr", {}, el("th", { scope: "col", text: "from \\ to" }),
    ...m.columns.map((c) => el("th", { scope: "col", class: "col", title: `${c.name} (${c.vpc || ""})`, text: c.name })));
  const rows = m.rows.map((r, i) => el("tr", {}, el("th", { scope: "row", title: r.vpc || "", text: r.name }),
    ...m.columns.map((c, j) => {
      const v = m.cells[i][j];
      const text = m.aggregated ? `${r.name} → ${c.name}: ${v.reachable_pairs} of ${v.pairs} pairs reach`
        : `${r.name} → ${c.name}: ${v.reachable ? "reachable" : "not reachable"}${v.diff ? ` (${v.diff} by the change)` : ""}`;
      const td = el("td", { class: "cell", "data-testid": "matrix-cell", "data-source": r.name, "data-destination": c.name,
        "data-reachable": m.aggregated ? String(v.reachable_pairs > 0) : String(v.reachable), title: text,
        "aria-label": text, style: `background:${cellColor(v)}` });
      if (v.diff) td.setAttribute("data-diff", v.diff);
      if (m.cells.length * m.columns.length <= 2500) td.setAttribute("tabindex", "0");
      const go = () => cellClicked(m, r, c);
      td.addEventListener("click", go);
      td.addEventListener("keydown", (ev) => { if (ev.key === "Enter") go(); });
      return td;
    })));
  return el("table", { class: "heat", "data-testid": "matrix-table" }, el("thead", {}, head), el("tbody", {}, ...rows));
}

function cellClicked(m, r, c) {
  const $ = ctx.$;
  if (m.aggregated) { // VPC by VPC: open the source VPC's own subnets
    $("matrix-vpc").value = r.name;
    loadMatrix();
    return;
  }
  ctx.traceFlow(r.name, c.name, m.protocol, flowPort(m.port));
}

async function loadMatrix(ev) {
  if (ev) ev.preventDefault();
  const $ = ctx.$, el = ctx.el;
  const box = $("matrix-result");
  box.replaceChildren(el("p", { class: "hint", text: "computing…" }));
  try {
    const m = await ctx.getJSON(`${ctx.API}/matrix?${matrixParams()}`);
    window.vpclab.matrix = m;
    const reach = m.reachable === null ? "" : `, ${m.reachable} reachable pairs`;
    box.replaceChildren(...[el("p", { "data-testid": "matrix-summary", text:
      `${m.sources} × ${m.destinations} ${m.level}s, ${m.protocol}${m.port === null ? "" : `/${m.port}`}${reach}` +
      (m.aggregated ? " — VPC by VPC" : "") }),
    m.note ? el("p", { class: "hint", "data-testid": "matrix-note", text: m.note }) : null,
    el("div", { class: "heat-wrap" }, heatMap(m)),
    el("p", { class: "hint", text: m.aggregated ? "Click a cell to see the source VPC's own cells."
      : "Click a cell to trace that pair." + (diff ? " Green: opened by the change; red: closed." : "") })]
      .filter((x) => x !== null));
  } catch (err) {
    box.replaceChildren(el("p", { class: "error", role: "alert", "data-testid": "matrix-error", text: err.message }));
  }
}

// -- intents -----------------------------------------------------------------------------------
function showCheck(report) {
  const { el, $ } = ctx;
  window.vpclab.check = report;
  const list = el("ul", { class: "intents" });
  for (const r of report.results) {
    const ok = r.status === "ok";
    const li = el("li", { "data-testid": "intent", "data-status": r.status, class: ok ? "ok" : "violated" },
      el("strong", { text: `${ok ? "✓ pass" : "✗ FAIL"} ` }), r.intent, el("span", { class: "hint",
        text: ` (${r.flows_checked} flows${ok ? "" : `, ${r.violations_total} violating`})` }));
    if (!ok) {
      const flows = el("ul", {});
      for (const v of r.violations) {
        const b = el("button", { type: "button", "data-testid": "intent-violation", text: `${v.source} → ${v.destination}` });
        b.addEventListener("click", () => ctx.traceFlow(v.source, v.destination, v.protocol, flowPort(v.port)));
        flows.append(el("li", {}, b, ` ${v.reason}`));
      }
      li.append(flows);
    }
    list.append(li);
  }
  $("intents-result").replaceChildren(el("p", { "data-testid": "intents-summary",
    text: `${report.intents} intents, ${report.violated} violated` }), list);
}

async function checkIntents(ev) {
  if (ev) ev.preventDefault();
  const { $ } = ctx;
  $("intents-error").hidden = true;
  try {
    const r = await fetch(`${ctx.API}/check`, { method: "POST", body: $("intents-text").value,
      headers: { "Content-Type": "application/yaml" } });
    const body = await r.json();
    if (!r.ok) throw new Error(body.error ? body.error.message : `${r.status}`);
    showCheck(body);
  } catch (err) {
    $("intents-error").textContent = err.message; // the last results stay listed above
    $("intents-error").hidden = false;
  }
}

// -- diff --------------------------------------------------------------------------------------
export function drawDiff() {
  // the changed flows as lines between their ends: green opened, red closed (after each render)
  if (!diff) return;
  const cy = ctx.cy();
  cy.remove("edge.diff");
  const lines = new Map(); // one arrow per (from, to, opened|closed), labelled with its flows
  for (const [kind, rows] of [["opened", diff.opened], ["closed", diff.closed]]) {
    for (const f of rows) {
      const s = f.source_node && ctx.visibleNode(f.source_node), t = f.destination_node && ctx.visibleNode(f.destination_node);
      if (!s || !t || s === t) continue;
      const key = `${kind} ${s} ${t}`;
      if (!lines.has(key)) lines.set(key, { data: { id: `diff-${kind}-${lines.size}`, source: s, target: t, kind, flows: [] },
        classes: `diff ${kind}` });
      lines.get(key).data.flows.push(`${f.protocol}/${flowPort(f.port)}`);
    }
  }
  const add = [...lines.values()];
  for (const e of add) e.data.label = e.data.flows.join(" ");
  cy.add(add);
}

function diffParams() {
  // the flow compared: vpclab diff's defaults, or the protocol (and port) chosen — as --flow P/N
  const $ = ctx.$;
  const p = new URLSearchParams({ level: $("diff-level").value });
  if ($("diff-protocol").value) {
    p.set("protocol", $("diff-protocol").value);
    if ($("diff-port").value.trim()) p.set("port", $("diff-port").value.trim());
  }
  return p;
}

async function loadDiff(ev) {
  if (ev) ev.preventDefault();
  const { $, el } = ctx;
  try {
    diff = await ctx.getJSON(`${ctx.API}/diff?${diffParams()}`);
    window.vpclab.diff = diff;
    if ($("diff-protocol").value && window.vpclab.matrix) {
      // the matrix shows the same choice: its cells coloured by what the change did to that flow
      $("matrix-protocol").value = $("diff-protocol").value;
      $("matrix-port").value = $("diff-port").value;
      $("matrix-level").value = $("diff-level").value;
      await loadMatrix();
    }
    const rows = (kind, sign) => diff[kind].map((f) => {
      const li = el("li", { "data-testid": `diff-${kind}`, tabindex: "0", class: kind },
        `${sign} ${f.source} → ${f.destination} ${f.protocol}/${flowPort(f.port)}`,
        f.codes.length ? el("span", { class: "hint", text: ` ${f.codes.join(", ")}` }) : null);
      const go = () => ctx.traceFlow(f.source, f.destination, f.protocol, flowPort(f.port));
      li.addEventListener("click", go);
      li.addEventListener("keydown", (ev) => { if (ev.key === "Enter") go(); });
      return li;
    });
    $("diff-result").replaceChildren(
      el("p", { "data-testid": "diff-summary", text: `${diff.old} → ${diff.new}, ` +
        `${diff.flows.map((f) => `${f.protocol}${f.port === null ? "" : `/${f.port}`}`).join(", ")}: ` +
        `${diff.opened_total} opened, ${diff.closed_total} closed` +
        (diff.opened_total > diff.opened.length || diff.closed_total > diff.closed.length ? ` (the first ${diff.limit} of each listed)` : "") }),
      el("ul", { class: "diff-list" }, ...rows("opened", "+"), ...rows("closed", "−")));
    drawDiff();
  } catch (err) {
    $("diff-result").replaceChildren(el("p", { class: "error", role: "alert", text: err.message }));
  }
}

// -- the break-even picture (vpclab advise --sweep) ----------------------------------------------
const DESIGN_COLOURS = { mesh: "#1f77b4", "transit-gateway": "#d62728", "shared-vpc": "#2ca02c" };
const SVG_NS = "http://www.w3.org/2000/svg";

function svg(tag, attrs) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

function sweepChart(s) {
  const W = 420, H = 220, L = 56, B = 30, T = 10, R = 10;
  const xOf = (p) => (s.axis === "vpcs" ? p.vpcs : Number(p.pair_gb));
  const built = s.points.filter((p) => p.buildable);
  const xs = s.points.map(xOf), ys = built.map((p) => Number(p.total));
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y1 = Math.max(1, ...ys);
  const px = (x) => L + (x1 === x0 ? 0 : ((x - x0) / (x1 - x0)) * (W - L - R));
  const py = (y) => H - B - (y / y1) * (H - B - T);
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, width: "100%", role: "img", "data-testid": "sweep-chart",
    "aria-label": `Monthly cost by design against ${s.axis === "vpcs" ? "VPCs" : "GB a pair"}` });
  chart.append(svg("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#888" }),
    svg("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#888" }));
  const label = (x, y, text, anchor) => { const t = svg("text", { x, y, "font-size": 10, "text-anchor": anchor }); t.textContent = text; return t; };
  chart.append(label(L - 4, py(y1) + 4, `$${Math.round(y1)}`, "end"), label(L - 4, H - B + 4, "$0", "end"),
    label(px(x0), H - B + 14, String(x0), "middle"), label(px(x1), H - B + 14, String(x1), "middle"),
    label((L + W - R) / 2, H - 4, s.axis === "vpcs" ? "VPCs" : "GB a month per pair", "middle"));
  for (const design of Object.keys(DESIGN_COLOURS)) {
    const pts = built.filter((p) => p.design === design);
    if (!pts.length) continue;
    chart.append(svg("polyline", { "data-design": design, fill: "none", stroke: DESIGN_COLOURS[design], "stroke-width": 2,
      "stroke-dasharray": design === "mesh" ? "5 3" : "none", points: pts.map((p) => `${px(xOf(p))},${py(Number(p.total))}`).join(" ") }));
  }
  return chart;
}

async function loadSweep(ev) {
  if (ev) ev.preventDefault();
  const $ = ctx.$, el = ctx.el;
  const box = $("sweep-result");
  box.replaceChildren(el("p", { class: "hint", text: "building and pricing each design…" }));
  const q = new URLSearchParams({ sweep: $("sweep-range").value.trim(), pair_gb: $("sweep-gb").value, azs: $("sweep-azs").value });
  try {
    const s = await ctx.getJSON(`${ctx.API}/sweep?${q}`);
    window.vpclab.sweep = s;
    const rows = s.points.map((p) => el("tr", { "data-testid": "sweep-row", "data-design": p.design },
      el("td", { text: s.axis === "vpcs" ? String(p.vpcs) : String(p.pair_gb) }), el("td", { text: p.design }),
      el("td", { text: p.buildable ? `$${p.total}` : "cannot be built" }), el("td", { text: String(p.connections) })));
    const notes = [...s.same_cost.map(([a, b]) => `${a} and ${b} cost the same at every point`),
      ...s.break_even.map((b) => `break-even: ${b.designs[0]} and ${b.designs[1]} at ${b.at}`),
      ...s.increases.map((i) => `${i.design}: ${i.quota} must be raised from ${i.from} on`)];
    box.replaceChildren(sweepChart(s),
      el("p", { class: "hint", text: "Lines: mesh (dashed, blue), transit gateway (red), shared VPC (green)." }),
      el("table", { class: "sweep", "data-testid": "sweep-table" },
        el("thead", {}, el("tr", {}, ...["x", "design", "$/month", "connections"].map((h) => el("th", { scope: "col", text: h })))),
        el("tbody", {}, ...rows)),
      el("ul", { class: "hint" }, ...notes.map((n) => el("li", { text: n }))));
  } catch (err) {
    box.replaceChildren(el("p", { class: "error", role: "alert", "data-testid": "sweep-error", text: err.message }));
  }
}

export async function initViews(c, features) {
  ctx = c;
  const $ = ctx.$;
  $("sweep-form").addEventListener("submit", loadSweep);
  $("matrix-form").addEventListener("submit", loadMatrix);
  $("intents-form").addEventListener("submit", checkIntents);
  window.vpclab.loadMatrix = loadMatrix;
  if (features.diff) {
    $("diff-panel").hidden = false;
    $("diff-level").addEventListener("change", () => loadDiff());
    $("diff-form").addEventListener("submit", loadDiff);
    await loadDiff();
  }
  if (features.intents) {
    try { showCheck(await ctx.getJSON(`${ctx.API}/check`)); } catch (err) {
      $("intents-result").replaceChildren(ctx.el("p", { class: "error", role: "alert", text: err.message }));
    }
  }
}
