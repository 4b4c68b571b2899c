// The portrait page: search a customer, show their tags by dimension as chips, explain a tag on
// click, and draw their neighbourhood with cytoscape.js. Everything comes from /graphql.
"use strict";

const PORTRAIT = `query Portrait($id: ID!) {
  portrait(customerId: $id) {
    pAlive
    expectedPurchases90d
    customer {
      id country city name email phone
      community { id size dominantInterests }
      similarCustomers(first: 8) { score customer { id country } }
      referrals { direction at customer { id country } }
    }
    dimensions { name tags { name weight confidence computedAt description source } }
  }
}`;

const SEARCH = `query Search($text: String!) {
  searchCustomers(text: $text, first: 20) { id country city name email }
}`;

const EXPLAIN = `query Explain($id: ID!, $tag: String!) {
  explainTag(customerId: $id, tag: $tag) {
    __typename
    ... on TagExplanation {
      tag dimension description weight confidence computedAt source derivation weightRule evidence
    }
    ... on NotFoundError { message }
  }
}`;

const PERSONAL = ["name", "email", "phone"];
const $ = (id) => document.getElementById(id);
const { el } = ckg;
let current = null;
let graph = null;

function say(text) {
  const m = $("message");
  m.textContent = text || "";
  m.hidden = !text;
}

function fact(term, value, note) {
  return [el("dt", { text: term }), el("dd", note ? { class: "denied" } : {}, value)];
}

function renderFacts(p, errors) {
  const c = p.customer;
  $("portrait-title").textContent = `Customer ${c.id}`;
  const facts = $("facts");
  facts.replaceChildren();
  for (const field of PERSONAL) {
    const denied = ckg.deniedAt(errors, "customer", field);
    facts.append(...fact(field === "email" ? "E-mail" : field[0].toUpperCase() + field.slice(1),
      denied ? "not shown to your role" : (c[field] || "–"), denied));
  }
  facts.append(...fact("Country", [c.country, c.city].filter(Boolean).join(", ") || "–"));
  facts.append(...fact("Still active (BG/NBD)", ckg.pct(p.pAlive)));
  facts.append(...fact("Expected purchases, 90 days", ckg.num(p.expectedPurchases90d)));
}

function renderDimensions(p) {
  const box = $("dimensions");
  box.replaceChildren();
  for (const d of p.dimensions) {
    if (!d.tags.length) continue;
    const id = `dim-${d.name}`;
    const chips = d.tags.map((t) =>
      el("li", {},
        el("button", {
          type: "button", class: "chip", "data-testid": "tag", "data-tag": t.name, "aria-expanded": "false",
          "aria-controls": "explanation", title: t.description || t.name,
          onclick: (ev) => explain(t.name, ev.currentTarget),
        },
        el("span", { class: "chip-name", text: t.name }),
        el("span", { class: "chip-weight", "aria-label": `weight ${ckg.num(t.weight)}` },
          el("span", { class: "bar", style: `width:${Math.round(t.weight * 100)}%` }), ckg.num(t.weight)))));
    box.append(el("section", { class: "card dimension", "data-testid": "dimension", "aria-labelledby": id },
      el("h3", { id, text: d.name.replaceAll("_", " ") }),
      el("ul", { class: "chips" }, chips)));
  }
}

async function explain(tag, button) {
  document.querySelectorAll("[data-testid=tag][aria-expanded=true]").forEach((b) => b.setAttribute("aria-expanded", "false"));
  button.setAttribute("aria-expanded", "true");
  const panel = $("explanation");
  const body = $("explanation-body");
  panel.hidden = false;
  body.replaceChildren(el("p", { text: `Loading the explanation of ${tag}…` }));
  try {
    const { data } = await ckg.gql(EXPLAIN, { id: current, tag });
    const e = data.explainTag;
    if (e.__typename !== "TagExplanation") {
      body.replaceChildren(el("p", { text: e.message }));
    } else {
      const when = e.computedAt ? new Date(e.computedAt).toLocaleString() : "an unknown time";
      body.replaceChildren(
        el("h3", { text: e.tag }),
        el("p", { class: "sentence",
          text: `${current} carries ${e.tag} with weight ${ckg.num(e.weight)}` +
            (e.confidence === null ? "" : ` and confidence ${ckg.num(e.confidence)}`) +
            `, computed ${when} by ${e.source || "ckg"}. ${e.description || ""}` }),
        el("dl", { class: "facts" },
          fact("Dimension", e.dimension.replaceAll("_", " ")),
          fact("Rule", e.weightRule),
          fact("Derivation", e.derivation),
          fact("Source", e.source || "–"),
          fact("Computed", when)),
        el("h4", { text: "Evidence" }),
        e.evidence.length
          ? el("ul", { class: "evidence" }, e.evidence.map((x) => el("li", { text: x })))
          : el("p", { text: "No evidence items recorded for this tag." }));
    }
  } catch (err) {
    body.replaceChildren(el("p", { text: err.message }));
  }
  panel.focus();
}

function neighbours(c) {
  const list = [];
  if (c.community) {
    list.push({ id: `community:${c.community.id}`, label: `community ${c.community.id}`, kind: "community",
      edge: "member of", text: `Community ${c.community.id}: ${c.community.size ?? "?"} members` +
        (c.community.dominantInterests.length ? `, into ${c.community.dominantInterests.join(", ")}` : "") });
  }
  for (const s of c.similarCustomers) {
    list.push({ id: s.customer.id, label: s.customer.id, kind: "similar", edge: `similar ${ckg.num(s.score)}`,
      text: `${s.customer.id} (${s.customer.country || "?"}), similar with score ${ckg.num(s.score)}` });
  }
  for (const r of c.referrals || []) {
    const by = r.direction === "REFERRED_BY";
    list.push({ id: r.customer.id, label: r.customer.id, kind: "referral", edge: by ? "referred" : "referred",
      source: by ? r.customer.id : c.id, target: by ? c.id : r.customer.id,
      text: by ? `${r.customer.id} referred ${c.id}` : `${c.id} referred ${r.customer.id}` });
  }
  return list;
}

function renderNeighbourhood(c) {
  const items = neighbours(c);
  $("neighbourhood").hidden = false;
  $("neighbours").replaceChildren(...items.map((n) =>
    el("li", {}, n.kind === "community" ? n.text
      : el("a", { href: `#${encodeURIComponent(n.id)}`, text: n.text }))));
  if (!items.length) $("neighbours").append(el("li", { text: "No community, similar customer or referral yet." }));
  const seen = new Set([c.id]);
  const elements = [{ data: { id: c.id, label: c.id, kind: "self" } }];
  for (const n of items) {
    if (!seen.has(n.id)) {
      seen.add(n.id);
      elements.push({ data: { id: n.id, label: n.label, kind: n.kind } });
    }
    elements.push({ data: { id: `${n.kind}:${n.source || c.id}->${n.target || n.id}`, source: n.source || c.id,
      target: n.target || n.id, label: n.edge, kind: n.kind } });
  }
  if (graph) graph.destroy();
  graph = cytoscape({
    container: $("graph"),
    elements,
    layout: { name: "concentric", concentric: (node) => (node.data("kind") === "self" ? 2 : 1), levelWidth: () => 1,
      minNodeSpacing: 18, animate: false },
    style: [
      { selector: "node", style: { label: "data(label)", "font-size": 9, "text-valign": "bottom", "text-margin-y": 3,
        "background-color": "#2f6f8f", width: 22, height: 22, color: "#1d2b36" } },
      { selector: "node[kind = 'self']", style: { "background-color": "#d9822b", width: 32, height: 32,
        "font-weight": "bold" } },
      { selector: "node[kind = 'community']", style: { "background-color": "#4f9a5a", shape: "round-rectangle",
        width: 40, height: 26 } },
      { selector: "node[kind = 'referral']", style: { "background-color": "#8e44ad" } },
      { selector: "edge", style: { width: 1.5, "line-color": "#9aa1ac", "curve-style": "bezier", label: "data(label)",
        "font-size": 7, color: "#555", "text-rotation": "autorotate" } },
      { selector: "edge[kind = 'referral']", style: { "line-color": "#8e44ad", "target-arrow-shape": "triangle",
        "target-arrow-color": "#8e44ad" } },
    ],
  });
  graph.on("tap", "node", (ev) => {
    const kind = ev.target.data("kind");
    if (kind === "similar" || kind === "referral") location.hash = encodeURIComponent(ev.target.id());
  });
}

async function show(id) {
  say("");
  $("matches").hidden = true;
  current = id;
  let result;
  try {
    result = await ckg.gql(PORTRAIT, { id });
  } catch (err) {
    say(err.message);
    return;
  }
  const p = result.data.portrait;
  if (!p) {
    say(`No customer ${id}.`);
    $("portrait").hidden = true;
    $("neighbourhood").hidden = true;
    return;
  }
  const other = result.errors.filter((e) => !PERSONAL.some((f) => ckg.deniedAt([e], "customer", f)));
  if (other.length) say(other.map((e) => e.message).join("; "));
  $("portrait").hidden = false;
  $("explanation").hidden = true;
  renderFacts(p, result.errors);
  renderDimensions(p);
  renderNeighbourhood(p.customer);
  document.title = `ckg · ${id}`;
}

async function search(text) {
  const q = text.trim();
  if (!q) return;
  if (/^[A-Za-z]?\d+$|^[a-z]+-?\d+$/i.test(q) && !q.includes("@")) {
    openCustomer(q);
    return;
  }
  try {
    const { data, errors } = await ckg.gql(SEARCH, { text: q });
    if (errors.length && !data.searchCustomers) {
      say(errors.map((e) => e.message).join("; "));
      return;
    }
    const found = data.searchCustomers || [];
    if (found.length === 1) {
      openCustomer(found[0].id);
      return;
    }
    say(found.length ? "" : `Nobody matches "${q}".`);
    $("matches").replaceChildren(...found.map((c) => el("li", {},
      el("a", { href: `#${encodeURIComponent(c.id)}` }, `${c.id} · ${c.name || ""} · ${c.email || ""} · ${c.country || ""}`))));
    $("matches").hidden = !found.length;
  } catch (err) {
    say(err.message);
  }
}

// Open a customer through the URL's fragment (so Back works); the same id again reloads it.
function openCustomer(id) {
  const hash = `#${encodeURIComponent(id)}`;
  if (location.hash === hash) show(id);
  else location.hash = hash;
}

function fromHash() {
  const id = decodeURIComponent(location.hash.slice(1));
  if (id && ckg.token()) show(id);
}

document.addEventListener("DOMContentLoaded", () => {
  ckg.bindTokenForm($("token-form"), $("token"), $("token-status"), fromHash);
  $("search-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    search($("search").value);
  });
  $("close-explanation").addEventListener("click", () => {
    $("explanation").hidden = true;
    document.querySelector("[data-testid=tag][aria-expanded=true]")?.focus();
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
});
