// vpclab's page: the topology (cytoscape.js + fcose), a flow traced on it, a fix previewed.
// Hooks for tests and tools: data-testid attributes, and window.vpclab = {graph, trace, ...}.
import { drawDiff, initViews } from "./views.js";

const API = "../api";
const cytoscape = window.cytoscape;
cytoscape.use(window.cytoscapeFcose);

const $ = (id) => document.getElementById(id);
const state = { graph: null, byId: new Map(), collapsed: new Set(), cy: null, trace: null, pick: "source" };
window.vpclab = { ready: false, graph: null, trace: null, whatif: null, exportSvg, exportPng };

const COLORS = {
  vpc: "#e9f3e6", subnet: "#ffffff", "availability-zone": "#f7f9f7", account: "#f4f6f8", "on-premises": "#f5f0fa",
  instance: "#ec7211", "network-interface": "#ec7211", "internet-gateway": "#8c4fff", "egress-only-internet-gateway": "#8c4fff",
  "nat-gateway": "#8c4fff", "vpn-gateway": "#8c4fff", "vpc-endpoint": "#01a88d", "transit-gateway": "#ffffff",
  "transit-gateway-route-table": "#d86613", "customer-gateway": "#545b64", "direct-connect-gateway": "#3b48cc",
};
const GROUPS = new Set(["account", "availability-zone", "on-premises"]);
const PICKABLE = new Set(["instance", "network-interface", "subnet", "vpc-endpoint", "customer-gateway"]);

function style() {
  return [
    { selector: "node", style: {
      label: "data(label)", "text-wrap": "wrap", "font-size": 9, "text-valign": "bottom", "text-margin-y": 3,
      "background-color": (n) => COLORS[n.data("kind")] || "#879596", width: 22, height: 22, "border-width": 1,
      "border-color": "#545b64", color: "#16191f" } },
    { selector: "node:parent", style: {
      "text-valign": "top", "text-halign": "center", "text-margin-y": -2, padding: 10, shape: "round-rectangle",
      "background-opacity": 0.9 } },
    { selector: "node[kind='vpc']", style: { "border-color": "#1d8102", "border-width": 2, shape: "round-rectangle" } },
    { selector: "node[kind='account']", style: { "border-style": "dashed", "font-size": 11, "font-weight": "bold" } },
    { selector: "node[kind='availability-zone']", style: { "border-style": "dotted", "font-size": 8 } },
    { selector: "node[kind='subnet']", style: { shape: "round-rectangle", "border-color": "#0972d3" } },
    { selector: "node[?shared]", style: { "border-color": "#b8860b", "border-width": 3, "border-style": "double" } },
    { selector: "node[kind='transit-gateway']", style: { shape: "round-rectangle", "border-color": "#d86613",
      "border-width": 2 } },
    { selector: "node[kind='transit-gateway-route-table']", style: { shape: "diamond" } },
    { selector: "node.collapsed", style: { shape: "round-rectangle", width: 140, height: 40, "text-valign": "center",
      "background-color": "#e9f3e6", "border-width": 3 } },
    { selector: "edge", style: { width: 2, "line-color": "#879596", label: "data(label)", "font-size": 8,
      "curve-style": "bezier", "text-rotation": "autorotate", color: "#414750" } },
    { selector: "edge[kind='vpc-peering-connection']", style: { "line-color": "#1d8102" } },
    { selector: "edge[kind='vpc-peering-connection'][!live]", style: { "line-style": "dashed" } },
    { selector: "edge[kind^='tgw-attachment']", style: { "line-color": "#d86613" } },
    { selector: "edge[kind='vpn-connection']", style: { "line-color": "#545b64", "line-style": "dashed" } },
    { selector: "edge[kind='direct-connect-gateway-association']", style: { "line-color": "#3b48cc", width: 3 } },
    { selector: "node.hop-ret", style: { "border-color": "#8c4fff", "border-width": 5 } },
    { selector: "node.hop-fwd", style: { "border-color": "#0972d3", "border-width": 5, "underlay-color": "#0972d3",
      "underlay-opacity": 0.25, "underlay-padding": 6 } },
    { selector: "edge.hop-ret", style: { "line-color": "#8c4fff", width: 6 } },
    { selector: "edge.hop-fwd", style: { "line-color": "#0972d3", width: 6, "underlay-color": "#0972d3",
      "underlay-opacity": 0.25, "underlay-padding": 4 } },
    { selector: ".blocked", style: { "border-color": "#d13212", "border-width": 6, "underlay-color": "#d13212",
      "underlay-opacity": 0.3, "underlay-padding": 8 } },
    { selector: "edge.path", style: { "line-color": "#0972d3", width: 4, "target-arrow-shape": "triangle",
      "target-arrow-color": "#0972d3", "curve-style": "bezier", label: "data(label)", "z-index": 10 } },
    { selector: "edge.path.ret", style: { "line-color": "#8c4fff", "target-arrow-color": "#8c4fff",
      "line-style": "dashed" } },
    { selector: "edge.diff", style: { width: 4, "target-arrow-shape": "triangle", "curve-style": "bezier",
      label: "data(label)", "z-index": 9 } },
    { selector: "edge.diff.opened", style: { "line-color": "#2e9e2e", "target-arrow-color": "#2e9e2e" } },
    { selector: "edge.diff.closed", style: { "line-color": "#d13212", "target-arrow-color": "#d13212", "line-style": "dashed" } },
    { selector: ":selected", style: { "overlay-color": "#0972d3", "overlay-opacity": 0.2 } },
  ];
}

// -- the graph -------------------------------------------------------------------------------
function ancestors(id) {
  const out = [];
  for (let n = state.byId.get(id); n && n.parent; n = state.byId.get(n.parent)) out.push(n.parent);
  return out;
}

function visibleNode(id) {
  // the node that shows `id` now: itself, or the collapsed VPC that holds it
  if (!state.byId.has(id)) return null;
  const hidden = ancestors(id).reverse().find((a) => state.collapsed.has(a));
  return hidden || id;
}

function elements() {
  const nodes = [];
  for (const n of state.graph.nodes) {
    const d = n.data;
    if (ancestors(d.id).some((a) => state.collapsed.has(a))) continue;
    const collapsed = state.collapsed.has(d.id);
    nodes.push({ data: collapsed ? { ...d, label: d.label } : d, classes: collapsed ? "collapsed" : "" });
  }
  const edges = [];
  const seen = new Set();
  for (const e of state.graph.edges) {
    const source = visibleNode(e.data.source), target = visibleNode(e.data.target);
    if (!source || !target || source === target) continue;
    const key = `${e.data.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ data: { ...e.data, source, target } });
  }
  return [...nodes, ...edges];
}

function render() {
  const cy = state.cy;
  cy.batch(() => { cy.elements().remove(); cy.add(elements()); });
  const big = cy.nodes().length > 300;
  cy.layout({ name: cy.nodes().length > 1 ? "fcose" : "grid", animate: false, quality: "default",
    randomize: true, nodeDimensionsIncludeLabels: true, packComponents: true, nodeSeparation: 60,
    idealEdgeLength: 90, numIter: big ? 600 : 2500, fit: true, padding: 20 }).run();
  if (state.trace) highlight(state.trace);
  drawDiff();
}

function toggle(id) {
  if (state.collapsed.has(id)) state.collapsed.delete(id); else state.collapsed.add(id);
  render();
}

function setCollapsedAll(on) {
  state.collapsed = new Set(on ? state.graph.nodes.filter((n) => n.data.kind === "vpc").map((n) => n.data.id) : []);
  render();
}

// -- details ---------------------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function cell(v) {
  if (v === null || v === undefined) return "";
  return typeof v === "object" ? JSON.stringify(v) : String(v);
}

function table(t) {
  const head = el("tr", {}, ...t.columns.map((c) => el("th", { scope: "col", text: c })));
  const rows = t.rows.map((r) => el("tr", { "data-testid": "detail-row" }, ...t.columns.map((c) => el("td", { text: cell(r[c]) }))));
  return el("div", { "data-testid": "detail-table", "data-title": t.title }, el("h3", { text: t.title }),
    t.rows.length ? el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows)) : el("p", { class: "hint", text: "(none)" }));
}

async function getJSON(url) {
  const r = await fetch(url);
  const body = await r.json();
  if (!r.ok) throw new Error(body.error ? body.error.message : `${r.status}`);
  return body;
}

async function showDetail(id) {
  const body = $("detail-body");
  try {
    const d = await getJSON(`${API}/resource/${encodeURIComponent(id)}`);
    const attrs = el("dl", { class: "attrs" });
    for (const [k, v] of Object.entries(d.attributes)) attrs.append(el("dt", { text: k }), el("dd", { text: cell(v) }));
    body.replaceChildren(el("h3", { "data-testid": "detail-title", text: `${d.label}: ${d.name || d.id}` }),
      el("p", { class: "component", text: `${d.id} · ${d.account_name} · ${d.region}` }), attrs, ...d.tables.map(table));
  } catch (err) {
    body.replaceChildren(el("p", { class: "error", role: "alert", text: err.message }));
  }
}

// -- trace -----------------------------------------------------------------------------------
function clearHighlight() {
  const cy = state.cy;
  cy.remove("edge.path");
  cy.elements().removeClass("hop-fwd hop-ret blocked");
}

function highlight(t) {
  clearHighlight();
  const cy = state.cy;
  const add = [];
  for (const [dir, hops] of [["ret", t.return_hops], ["fwd", t.forward_hops]]) {
    let prev = null;
    let lastEdge = null; // a VPN's attachment and connection are one link: crossed once
    hops.forEach((h, i) => {
      const edge = h.edge && cy.getElementById(h.edge);
      if (edge && edge.length) {
        // a link on the path (a peering connection, an attachment): light it, draw no shortcut past it
        edge.addClass(`hop-${dir}`);
        // the path goes on from the link's far end (the near end is the last node, or holds it)
        const ends = [edge.source().id(), edge.target().id()];
        const inside = prev ? cy.getElementById(prev).ancestors().map((a) => a.id()) : [];
        const near = ends.find((e) => e === prev || inside.includes(e));
        if (near && h.edge !== lastEdge) prev = ends.find((e) => e !== near) || near;
        lastEdge = h.edge;
        return;
      }
      const id = h.node && visibleNode(h.node);
      if (!id) return;
      const node = cy.getElementById(id);
      node.addClass(`hop-${dir}`);
      const other = prev && cy.getElementById(prev);
      if (other && prev !== id && !other.ancestors().contains(node) && !node.ancestors().contains(other)) {
        add.push({ data: { id: `path-${dir}-${i}`, source: prev, target: id, label: "" }, classes: `path ${dir}` });
      }
      prev = id;
    });
  }
  for (const e of t.explanations) {
    const id = e.blocking && e.node && visibleNode(e.node);
    if (id) cy.getElementById(id).addClass("blocked");
  }
  cy.add(add);
}

function hopList(title, hops, dir) {
  const list = el("ol", { class: "hops", "data-testid": `hops-${dir}` });
  for (const h of hops) {
    const li = el("li", { tabindex: "0", "data-testid": `hop-${dir}`, "data-component": h.component, "data-id": h.id },
      el("span", { class: "component", text: h.component }), " ", el("strong", { text: h.name || h.id }),
      h.detail ? ` — ${h.detail}` : "");
    const focus = () => { const id = h.node && visibleNode(h.node); if (id) state.cy.getElementById(id).select(); showDetail(h.id); };
    li.addEventListener("click", focus);
    li.addEventListener("keydown", (ev) => { if (ev.key === "Enter") focus(); });
    list.append(li);
  }
  return el("div", {}, el("h3", { text: title }), hops.length ? list : el("p", { class: "hint", text: "(no hops)" }));
}

function flowParams(extra = {}) {
  const p = new URLSearchParams({ source: $("trace-source").value, destination: $("trace-destination").value,
    protocol: $("trace-protocol").value, port: $("trace-port").value, ...extra });
  return p.toString();
}

function renderTrace(t) {
  const out = $("trace-result");
  const verdict = el("p", { class: `verdict ${t.disposition}`, "data-testid": "verdict", text: t.disposition });
  const causes = t.explanations.map((e, i) => {
    const box = el("div", { class: `cause${e.blocking ? "" : " info"}`, "data-testid": "cause", "data-code": e.code },
      el("code", { text: e.code }), ` (${e.direction}): ${e.message}`,
      el("p", { class: "fix", "data-testid": "fix", text: `fix: ${e.fix}` }));
    if (e.previewable) {
      const btn = el("button", { type: "button", "data-testid": "whatif", text: "What if? (preview the fix)" });
      btn.addEventListener("click", () => whatIf(i, box));
      box.append(btn);
    } else if (e.blocking && e.not_previewable) {
      box.append(el("p", { class: "hint", "data-testid": "whatif-none", text: `no preview: ${e.not_previewable}` }));
    }
    return box;
  });
  out.replaceChildren(el("p", { "data-testid": "flow", text: `${t.source} → ${t.destination}: ${t.flow.protocol} ` +
    `${t.flow.src_ip} → ${t.flow.dst_ip}${t.flow.dst_port != null ? ":" + t.flow.dst_port : ""}` }), verdict,
    hopList("Forward", t.forward_hops, "forward"), hopList("Return", t.return_hops, "return"), ...causes);
}

async function runTrace(ev) {
  if (ev) ev.preventDefault();
  const error = $("trace-error");
  error.hidden = true;
  try {
    const t = await getJSON(`${API}/trace?${flowParams()}`);
    window.vpclab.traceRuns += 1;
    state.trace = t;
    window.vpclab.trace = t;
    window.vpclab.whatif = null;
    renderTrace(t);
    highlight(t);
  } catch (err) {
    error.textContent = err.message;
    error.hidden = false;
  }
}

function callParams(p) {
  // an AWS call's parameters as Name=value, nested ones as JSON
  return Object.entries(p).map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : v}`).join(", ");
}

async function whatIf(index, box) {
  try {
    const w = await getJSON(`${API}/whatif?${flowParams({ fix: String(index) })}`);
    window.vpclab.whatif = w;
    const steps = el("ol", { class: "steps" }, ...w.steps.map((s) => el("li", { "data-testid": "whatif-step",
      "data-action": s.action }, el("code", { text: s.action }), ` ${callParams(s.parameters)} (account ${s.account}, ${s.region})`)));
    if (w.refused) {
      const refused = el("div", { class: "whatif", "data-testid": "whatif-result" }, steps,
        el("p", { class: "error", role: "alert", "data-testid": "whatif-refused",
          text: `AWS refuses ${w.refused.action}: ${w.refused.code}: ${w.refused.message} (nothing was changed)` }));
      box.append(refused);
      refused.scrollIntoView({ block: "nearest" });
      return;
    }
    const result = el("div", { class: "whatif", "data-testid": "whatif-result" }, steps,
      el("p", { "data-testid": "whatif-verdict", text: `after the change (on a copy; the network is unchanged): ${w.after.disposition}` }),
      el("p", { class: "hint", text: `the picture shows the path after it: ${w.after.forward_hops.length} hops forward, ` +
        `${w.after.return_hops.length} back (Trace again for the network as it is)` }));
    box.append(result);
    result.scrollIntoView({ block: "nearest" });
    highlight(w.after);
  } catch (err) {
    box.append(el("p", { class: "error", role: "alert", "data-testid": "whatif-error", text: err.message }));
  }
}

// -- search, picking, export -----------------------------------------------------------------
function find(text) {
  const q = text.trim().toLowerCase();
  if (!q) return null;
  const nodes = state.graph.nodes.map((n) => n.data);
  return nodes.find((d) => d.id.toLowerCase() === q || (d.name || "").toLowerCase() === q)
    || nodes.find((d) => d.id.toLowerCase().includes(q) || (d.label || "").toLowerCase().includes(q));
}

function reveal(id) {
  // select a drawn node (opening the collapsed VPC that holds it) and zoom to it
  for (const a of ancestors(id)) if (state.collapsed.has(a)) { state.collapsed.delete(a); render(); break; }
  const node = state.cy.getElementById(id);
  state.cy.elements().unselect();
  node.select();
  state.cy.animate({ fit: { eles: node, padding: 120 } }, { duration: 200 });
}

async function search(ev) {
  ev.preventDefault();
  const text = $("search").value;
  const d = find(text);
  if (d) {
    reveal(d.id);
    if (!GROUPS.has(d.kind)) showDetail(d.id);
    return;
  }
  // not drawn on its own (a route table, a security group, …): show it, and select what stands for it
  try {
    const r = await getJSON(`${API}/resource/${encodeURIComponent(text.trim())}`);
    const anchor = state.graph.anchors[r.id] || (state.byId.has(r.id) ? r.id : null);
    if (anchor) reveal(anchor);
    showDetail(r.id);
  } catch (err) {
    $("detail-body").replaceChildren(el("p", { class: "error", role: "alert", "data-testid": "search-error", text: err.message }));
  }
}

function onTap(ev) {
  const d = ev.target.data();
  if (GROUPS.has(d.kind)) return;
  showDetail(d.id);
  if (PICKABLE.has(d.kind)) {
    const pick = document.querySelector("input[name=pick]:checked").value;
    $(`trace-${pick}`).value = d.name || d.id;
    document.querySelector(`input[name=pick][value=${pick === "source" ? "destination" : "source"}]`).checked = true;
  }
}

function download(name, blob) {
  const a = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

function exportPng() {
  return state.cy.png({ full: true, scale: 2, bg: "#ffffff" });
}

function esc(s) {
  return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));
}

function exportSvg() {
  // the current view as SVG: boxes for groups and nodes, lines for links, labels (cytoscape draws on canvas)
  const cy = state.cy;
  const bb = cy.elements().boundingBox();
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="${bb.x1 - 10} ${bb.y1 - 10} ${bb.w + 20} ${bb.h + 20}" ` +
    `font-family="sans-serif" font-size="9">`];
  const nodes = cy.nodes().sort((a, b) => a.ancestors().length - b.ancestors().length);
  nodes.forEach((n) => {
    const b = n.boundingBox({ includeLabels: false });
    const fill = n.isParent() ? COLORS[n.data("kind")] || "#fff" : n.style("background-color");
    const stroke = n.style("border-color");
    parts.push(`<g data-id="${esc(n.id())}"><rect x="${b.x1}" y="${b.y1}" width="${b.w}" height="${b.h}" rx="4" ` +
      `fill="${fill}" stroke="${stroke}" stroke-width="${parseFloat(n.style("border-width"))}"/>`);
    const lines = String(n.data("label") || "").split("\n");
    const y = n.isParent() ? b.y1 - 2 - 10 * (lines.length - 1) : b.y2 + 10;
    lines.forEach((line, i) => parts.push(`<text x="${n.position("x")}" y="${y + 10 * i}" text-anchor="middle">${esc(line)}</text>`));
    parts.push("</g>");
  });
  cy.edges().forEach((e) => {
    const s = e.source().position(), t = e.target().position();
    parts.push(`<line data-id="${esc(e.id())}" x1="${s.x}" y1="${s.y}" x2="${t.x}" y2="${t.y}" stroke="${e.style("line-color")}" ` +
      `stroke-width="${parseFloat(e.style("width"))}"/>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}

// -- start -----------------------------------------------------------------------------------
function setGraph(graph) {
  state.graph = graph;
  state.byId = new Map(graph.nodes.map((n) => [n.data.id, n.data]));
  window.vpclab.graph = { nodes: graph.nodes.map((n) => n.data), edges: graph.edges.map((e) => e.data), anchors: graph.anchors };
  window.vpclab.version = graph.version;
  $("source").textContent = `${graph.source} — ${graph.counts.vpcs} VPCs`;
  $("names").replaceChildren(...graph.nodes.filter((n) => !GROUPS.has(n.data.kind))
    .map((n) => el("option", { value: n.data.name || n.data.id })));
}

async function refresh(version) {
  // live: the World changed (an EC2 API call on vpclab serve): draw it again, re-run an open trace
  if (version === window.vpclab.version) return;
  const graph = await getJSON(`${API}/graph`);
  const known = new Set(state.graph.nodes.map((n) => n.data.id));
  setGraph(graph);
  for (const id of state.collapsed) if (!state.byId.has(id)) state.collapsed.delete(id);
  if (graph.collapsed) for (const n of graph.nodes) if (n.data.kind === "vpc" && !known.has(n.data.id)) state.collapsed.add(n.data.id);
  render();
  if (state.trace) await retraceIfTouched();
  window.vpclab.refreshes += 1;
}

async function retraceIfTouched() {
  // re-run the open trace only when a change touched what it read (its reads, at its version)
  const t = state.trace;
  const c = await getJSON(`${API}/changes?since=${encodeURIComponent(t.version)}`);
  const reads = new Set(t.reads || []);
  if (c.changed === null || c.changed.some((id) => reads.has(id))) {
    await runTrace();
    return;
  }
  t.version = c.version; // nothing it read changed: it still holds at this version
  window.vpclab.traceSkips += 1;
}

function listen() {
  if (!window.EventSource) return;
  const events = new EventSource(`${API}/events`);
  let busy = Promise.resolve();
  events.addEventListener("version", (ev) => {
    const { version } = JSON.parse(ev.data);
    busy = busy.then(() => refresh(version)).catch((err) => {
      $("trace-error").textContent = `could not redraw: ${err.message}`;
      $("trace-error").hidden = false;
    });
  });
  window.vpclab.events = events;
}

function traceFlow(source, destination, protocol, port) {
  $("trace-source").value = source;
  $("trace-destination").value = destination;
  $("trace-protocol").value = protocol === "all" ? "-1" : protocol;
  $("trace-port").value = port;
  return runTrace();
}

async function start() {
  const graph = await getJSON(`${API}/graph`);
  setGraph(graph);
  window.vpclab.refreshes = 0;
  window.vpclab.traceRuns = 0; // traces run (by the form, a click, or a change that touched one)
  window.vpclab.traceSkips = 0; // changes that left the open trace as it was (nothing it read)
  if (graph.collapsed) state.collapsed = new Set(graph.nodes.filter((n) => n.data.kind === "vpc").map((n) => n.data.id));
  state.cy = cytoscape({ container: $("graph"), style: style(), minZoom: 0.05, maxZoom: 4 });
  state.cy.on("tap", "node", onTap);
  state.cy.on("tap", "edge", (ev) => { if (!ev.target.hasClass("path")) showDetail(ev.target.id()); });
  state.cy.on("dbltap", "node[kind='vpc']", (ev) => toggle(ev.target.id()));
  render();
  $("search-form").addEventListener("submit", search);
  $("fit").addEventListener("click", () => state.cy.fit(undefined, 20));
  $("collapse-all").addEventListener("click", () => setCollapsedAll(true));
  $("expand-all").addEventListener("click", () => setCollapsedAll(false));
  $("trace-form").addEventListener("submit", runTrace);
  $("trace-clear").addEventListener("click", () => { state.trace = null; window.vpclab.trace = null; clearHighlight();
    $("trace-result").replaceChildren(); });
  $("export-png").addEventListener("click", () => download("vpclab.png", state.cy.png({ full: true, output: "blob", scale: 2, bg: "#ffffff" })));
  $("export-svg").addEventListener("click", () => download("vpclab.svg", new Blob([exportSvg()], { type: "image/svg+xml" })));
  window.vpclab.cy = state.cy;
  window.vpclab.collapse = (id) => { state.collapsed.add(id); render(); };
  window.vpclab.visible = () => state.cy.nodes().map((n) => n.id());
  window.vpclab.traceFlow = traceFlow;
  await initViews({ API, $, el, getJSON, traceFlow, cy: () => state.cy, visibleNode }, graph.features || {});
  if ((graph.features || {}).live) listen();
  window.vpclab.ready = true;
}

start().catch((err) => {
  $("detail-body").replaceChildren(el("p", { class: "error", role: "alert", text: `the page could not load: ${err.message}` }));
});
