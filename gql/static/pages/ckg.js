// Shared by ckg's pages: the token (sessionStorage only, never the URL), GraphQL over fetch, and a
// small DOM helper. Pages talk to nothing but this server's /graphql.
"use strict";

const TOKEN_KEY = "ckg.token";

const ckg = {
  token() {
    return sessionStorage.getItem(TOKEN_KEY) || "";
  },

  setToken(value) {
    const v = (value || "").trim().replace(/^Bearer\s+/i, "");
    if (v) sessionStorage.setItem(TOKEN_KEY, v);
    else sessionStorage.removeItem(TOKEN_KEY);
  },

  // Run a GraphQL document; resolves to {data, errors}. A 401 or a network failure rejects with a
  // message a person can act on.
  async gql(query, variables) {
    const token = ckg.token();
    if (!token) throw new Error("Paste an API token first (ckg token create --role analyst|marketer|admin).");
    let resp;
    try {
      resp = await fetch("/graphql", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables: variables || {} }),
      });
    } catch (e) {
      throw new Error("The ckg server does not answer: is `ckg serve` running?");
    }
    if (resp.status === 401) throw new Error("The token was refused: it is unknown, expired or revoked.");
    let body;
    try {
      body = await resp.json();
    } catch (e) {
      throw new Error(`The server answered ${resp.status} without GraphQL.`);
    }
    if (!body.data && body.errors) throw new Error(body.errors.map((e) => e.message).join("; "));
    return { data: body.data || {}, errors: body.errors || [] };
  },

  // True when an error of the response is about the field at this path (e.g. a personal field an
  // analyst may not read).
  deniedAt(errors, ...path) {
    return errors.some((e) => Array.isArray(e.path) && path.every((p, i) => e.path[e.path.length - path.length + i] === p));
  },

  // el("li", {class: "x", onclick: fn}, child, "text", ...)
  el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  },

  pct(x) {
    return x === null || x === undefined ? "–" : `${Math.round(x * 100)}%`;
  },

  num(x, digits = 2) {
    return x === null || x === undefined ? "–" : Number(x).toFixed(digits);
  },

  // The token form every page has: a password field kept in sessionStorage.
  bindTokenForm(form, input, status, onChange) {
    const show = () => {
      status.textContent = ckg.token() ? "Token set for this tab." : "No token: paste one to start.";
    };
    show();
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (input.value) ckg.setToken(input.value);
      input.value = "";  // the page keeps it in sessionStorage only
      show();
      if (onChange) onChange();
    });
    form.addEventListener("reset", () => {
      ckg.setToken("");
      setTimeout(show);
    });
  },
};
