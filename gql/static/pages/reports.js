// The reports page: each report's data from /graphql, drawn as SVG bar charts (and a cytoscape.js
// tree for referral fission). The same reports render from the command line: ckg report NAME.
"use strict";

const REPORTS = `{
  channelQuality { channel name customers buyerRate repeatRate spendPerCustomer meanPAlive }
  tagCatalog { tags { name family dimension holders } }
  referralFission(largest: 1) { cascades { depth size count } trees { root size depth edges { source target } } }
  warehouseDemand(days: 90, first: 20) { country category warehouse units revenueUsd }
  dataQuality { status asOf staleDays checks { area name value count total threshold status detail } }
}`;

const SVG = "http://www.w3.org/2000/svg";
const COLOURS = ["#2f6f8f", "#d9822b", "#4f9a5a", "#8e44ad", "#c0392b", "#7f8c8d"];
const { el } = ckg;

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

// Horizontal bars: rows [{label, values: [numbers]}], series names, a formatter, and the scale's max.
function bars(title, rows, series, format, max) {
  const labelW = 170, barH = 14, gap = 6, width = 640;
  const groupH = series.length * barH + gap;
  const height = rows.length * groupH + 34;
  const top = Math.max(max ?? 0, ...rows.flatMap((r) => r.values)) || 1;
  const scale = (v) => ((width - labelW - 70) * v) / top;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  chart.append(svg("title", {}, title));
  series.forEach((s, i) => {
    chart.append(svg("rect", { x: labelW + i * 150, y: 2, width: 10, height: 10, fill: COLOURS[i] }),
      svg("text", { x: labelW + 14 + i * 150, y: 11, "font-size": 11 }, s));
  });
  rows.forEach((r, j) => {
    const y0 = 24 + j * groupH;
    chart.append(svg("text", { x: labelW - 6, y: y0 + (series.length * barH) / 2 + 4, "text-anchor": "end",
      "font-size": 11 }, r.label.length > 26 ? `${r.label.slice(0, 25)}…` : r.label));
    r.values.forEach((v, i) => {
      const y = y0 + i * barH;
      chart.append(svg("rect", { x: labelW, y, width: Math.max(1, scale(v)), height: barH - 2, fill: COLOURS[i] },
        svg("title", {}, `${r.label} · ${series[i]}: ${format(v)}`)),
      svg("text", { x: labelW + scale(v) + 4, y: y + barH - 4, "font-size": 10 }, format(v)));
    });
  });
  return chart;
}

function table(headers, rows) {
  return el("details", {}, el("summary", { text: "The numbers" }),
    el("div", { class: "table-wrap" }, el("table", {},
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, rows.map((r) => el("tr", {}, r.map((c) => el("td", { text: c }))))))));
}

function plot(name, ...nodes) {
  document.querySelector(`[data-report=${name}] .plot`).replaceChildren(...nodes);
}

function channelQuality(rows) {
  plot("channel-quality",
    bars("Buyer and repeat rate per channel", rows.map((r) => ({ label: r.name, values: [r.buyerRate, r.repeatRate] })),
      ["buyer rate", "repeat rate"], ckg.pct, 1),
    bars("Revenue per acquired customer (USD)", rows.map((r) => ({ label: r.name, values: [r.spendPerCustomer] })),
      ["revenue per customer, USD"], (v) => v.toFixed(0)),
    table(["channel", "customers", "buyer rate", "repeat rate", "USD per customer", "mean P(alive)"],
      rows.map((r) => [r.name, r.customers, ckg.pct(r.buyerRate), ckg.pct(r.repeatRate),
        r.spendPerCustomer.toFixed(2), ckg.pct(r.meanPAlive)])));
}

function marketingSensitivity(catalog) {
  const tags = catalog.tags.filter((t) => t.family === "marketing_sensitivity")
    .sort((a, b) => a.name.localeCompare(b.name));
  plot("marketing-sensitivity",
    bars("Customers per marketing sensitivity", tags.map((t) => ({ label: t.name.split(":")[1], values: [t.holders] })),
      ["customers"], (v) => String(v)),
    table(["tag", "customers"], tags.map((t) => [t.name, t.holders])));
}

function referralFission(f) {
  const byDepth = {};
  for (const c of f.cascades) {
    byDepth[c.depth] = byDepth[c.depth] || { cascades: 0, people: 0 };
    byDepth[c.depth].cascades += c.count;
    byDepth[c.depth].people += c.count * c.size;
  }
  const depths = Object.keys(byDepth).map(Number).sort((a, b) => a - b);
  plot("referral-fission",
    bars("Referral cascades and customers reached, by depth",
      depths.map((d) => ({ label: `depth ${d}`, values: [byDepth[d].cascades, byDepth[d].people] })),
      ["cascades", "customers reached"], (v) => String(v)),
    table(["depth", "size", "cascades"], f.cascades.map((c) => [c.depth, c.size, c.count])));
  const tree = f.trees[0];
  const box = document.querySelector("[data-report=referral-fission] .tree");
  if (!tree) {
    box.replaceChildren(el("p", { class: "hint", text: "No referral cascade in the data." }));
    return;
  }
  const ids = new Set(tree.edges.flatMap((e) => [e.source, e.target]));
  cytoscape({
    container: box,
    elements: [...[...ids].map((id) => ({ data: { id, root: id === tree.root ? "yes" : "no" } })),
      ...tree.edges.map((e) => ({ data: { id: `${e.source}>${e.target}`, source: e.source, target: e.target } }))],
    layout: { name: "breadthfirst", directed: true, roots: [tree.root], spacingFactor: 0.9, animate: false },
    style: [
      { selector: "node", style: { label: "data(id)", "font-size": 8, width: 14, height: 14, "background-color": "#2f6f8f" } },
      { selector: "node[root = 'yes']", style: { "background-color": "#d9822b", width: 22, height: 22 } },
      { selector: "edge", style: { width: 1.2, "line-color": "#8e44ad", "target-arrow-shape": "triangle",
        "target-arrow-color": "#8e44ad", "curve-style": "bezier" } },
    ],
  });
  box.setAttribute("aria-label", `The largest referral cascade: ${tree.root} reached ${tree.size} customers, ` +
    `${tree.depth} steps deep`);
}

function warehouseDemand(rows) {
  plot("warehouse-demand",
    bars("Units by country and category, last 90 days", rows.map((r) => ({ label: `${r.country} · ${r.category}`,
      values: [r.units] })), ["units"], (v) => String(v)),
    table(["country", "category", "warehouse", "units", "revenue USD"],
      rows.map((r) => [r.country, r.category, r.warehouse || "–", r.units, r.revenueUsd.toFixed(0)])));
}

function tagCoverage(q) {
  const rows = q.checks.filter((c) => c.area === "tags");
  plot("tag-coverage",
    bars("Share of customers with a tag, per dimension", rows.map((c) => ({ label: c.name.replace("dimension ", ""),
      values: [c.value] })), ["customers covered"], ckg.pct, 1));
}

function dataQuality(q) {
  const rows = q.checks;
  plot("data-quality",
    el("p", {}, "Overall: ", el("span", { class: `status-${q.status}`, text: q.status }),
      ` (as of ${q.asOf}; stale means no order or event in ${q.staleDays} days)`),
    bars("Data-quality checks (share)", rows.map((c) => ({ label: `${c.status} · ${c.name}`, values: [c.value] })),
      ["share"], ckg.pct, 1),
    el("div", { class: "table-wrap" }, el("table", {},
      el("thead", {}, el("tr", {}, ["status", "area", "check", "value", "threshold", "detail"]
        .map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", {}, rows.map((c) => el("tr", {},
        el("td", { class: `status-${c.status}`, text: c.status }), el("td", { text: c.area }), el("td", { text: c.name }),
        el("td", { class: "num", text: ckg.pct(c.value) }), el("td", { text: c.threshold }),
        el("td", { text: c.detail })))))));
}

async function load() {
  const m = document.getElementById("message");
  m.hidden = true;
  if (!ckg.token()) {
    m.textContent = "Paste an API token to see the reports.";
    m.hidden = false;
    return;
  }
  try {
    const { data, errors } = await ckg.gql(REPORTS);
    if (errors.length) {
      m.textContent = errors.map((e) => e.message).join("; ");
      m.hidden = false;
    }
    if (data.channelQuality) channelQuality(data.channelQuality);
    if (data.tagCatalog) marketingSensitivity(data.tagCatalog);
    if (data.referralFission) referralFission(data.referralFission);
    if (data.warehouseDemand) warehouseDemand(data.warehouseDemand);
    if (data.dataQuality) {
      tagCoverage(data.dataQuality);
      dataQuality(data.dataQuality);
    }
  } catch (err) {
    m.textContent = err.message;
    m.hidden = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  ckg.bindTokenForm(document.getElementById("token-form"), document.getElementById("token"),
    document.getElementById("token-status"), load);
  load();
});
