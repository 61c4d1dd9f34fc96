// carimpi web calculator: reads the form, converts units to the data
// dictionary's at this edge, posts the patient to /api/v1/score and shows
// the answer. No libraries, no network beyond this server.
"use strict";
(function () {
  const form = document.getElementById("patient");
  const status = document.getElementById("status");
  const errorsBox = document.getElementById("errors");
  const table = document.getElementById("scores");
  const tbody = table.querySelector("tbody");
  const survivalBox = document.getElementById("survival");
  const warningsBox = document.getElementById("warnings");
  const modelsBox = document.getElementById("models");
  const detailBox = document.getElementById("detail");
  const placeholder = document.getElementById("placeholder");
  const tokenRow = document.getElementById("tokenrow");
  const tokenInput = document.getElementById("token");
  const NS = "http://www.w3.org/2000/svg";

  // Rows of the results table: a value key of the score answer, its label,
  // and the group keys shown beside it.
  const INDICES = [
    ["car_impi", "CAR-IMPI", ["car_impi_median_group", "car_impi_tercile_group"], "car-impi"],
    ["impi", "IMPI (original)", [], "impi"],
    ["car_hematotox", "CAR-HEMATOTOX", [], "car-hematotox"],
    ["inflamix_prob", "InflaMix P(inflammatory)", ["inflamix_cluster"], "inflamix"],
    ["inflamix_labs", "InflaMix labs used", [], ""],
    ["combined_hematotox_group", "CAR-IMPI × CAR-HEMATOTOX", [], "combined-hematotox"],
    ["combined_inflamix_group", "CAR-IMPI × InflaMix", [], "combined-inflamix"],
    ["ipi", "IPI", ["ipi_group"], "ipi"],
    ["r_ipi_group", "R-IPI", [], "r-ipi"],
    ["nccn_ipi", "NCCN-IPI", ["nccn_ipi_group"], "nccn-ipi"],
    ["easix", "EASIX", [], "easix"],
    ["m_easix", "m-EASIX", [], "m-easix"],
  ];
  // Keys of the answer that are not indices.
  const META = new Set(["notice", "patient_id", "warnings", "unavailable", "errors", "survival", "bands", "models", "result"]);
  const NAMES = { "car-impi": "CAR-IMPI", "impi": "IMPI" };

  // factorOf returns the factor that converts the named input to the data
  // dictionary's unit, read from its unit selector.
  function factorOf(unitId) {
    const u = document.getElementById(unitId);
    if (!u) return 1;
    if (u.tagName === "SELECT") return parseFloat(u.value);
    return 1;
  }

  function collect() {
    const p = {};
    for (const el of form.elements) {
      if (!el.name || el.id === "token" || el.classList.contains("unit")) continue;
      if (el.value === "") continue;
      const x = parseFloat(el.value);
      if (el.classList.contains("uln")) {
        const lab = document.getElementById(el.dataset.unit.replace(/_unit$/, ""));
        if (!lab || lab.value === "") continue; // a ULN only matters with its lab
        p[el.name] = x * factorOf(el.dataset.unit);
      } else {
        p[el.name] = x * factorOf(el.name + "_unit");
      }
    }
    return p;
  }

  // A unit change rescales the lab and its ULN so that they keep meaning
  // the same amount.
  for (const sel of form.querySelectorAll("select.unit")) {
    sel.dataset.prev = sel.value;
    sel.addEventListener("change", () => {
      const ratio = parseFloat(sel.dataset.prev) / parseFloat(sel.value);
      sel.dataset.prev = sel.value;
      for (const id of sel.dataset.for.split(" ")) {
        const el = document.getElementById(id);
        if (el && el.value !== "") el.value = String(Number((parseFloat(el.value) * ratio).toPrecision(6)));
      }
    });
  }

  function fmt(v) {
    if (v === null || v === undefined) return "—";
    if (typeof v === "number") {
      if (Number.isInteger(v)) return String(v);
      return Number(v.toPrecision(4)).toString();
    }
    return String(v);
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // The row key under which each model's bands are shown.
  const BAND_ROW = {
    "car-impi": "car_impi", "impi": "impi", "car-hematotox": "car_hematotox", "inflamix": "inflamix_prob",
    "ipi": "ipi", "r-ipi": "r_ipi_group", "nccn-ipi": "nccn_ipi",
    "combined-hematotox": "combined_hematotox_group", "combined-inflamix": "combined_inflamix_group",
  };

  function bandFor(bands, key) {
    return (bands || []).filter((b) => BAND_ROW[b.model] === key);
  }

  // renderBand draws the groups of one index under one scheme as coloured
  // segments, the patient's group outlined. Cox scores, whose groups have
  // numeric cutoffs, get proportional segments and a marker at the value.
  function renderBand(b) {
    const wrap = el("div", { class: "band", role: "img", "data-model": b.model, "data-scheme": b.scheme,
      "aria-label": b.scheme + " groups: " + b.groups.map((g) => g.name + " (" + g.rule + ")").join(", ") +
        "; this patient: " + (b.group || "not computed") });
    const numeric = b.cutoffs && b.cutoffs.length === b.groups.length - 1 && b.cutoffs.length > 0;
    let edges = null;
    if (numeric) {
      const span = b.cutoffs[b.cutoffs.length - 1] - b.cutoffs[0] || 1;
      let lo = b.cutoffs[0] - span, hi = b.cutoffs[b.cutoffs.length - 1] + span;
      if (typeof b.value === "number") { lo = Math.min(lo, b.value); hi = Math.max(hi, b.value); }
      edges = [lo].concat(b.cutoffs, [hi]);
    }
    b.groups.forEach((g, i) => {
      const cls = "g-" + g.name.replace(/[^a-z-]/g, "-") + (g.name === b.group ? " current" : "");
      const s = el("span", { class: cls, title: g.name + ": " + g.rule }, g.name);
      s.style.flex = String(numeric ? Math.max(edges[i + 1] - edges[i], 1e-9) : 1);
      wrap.appendChild(s);
    });
    if (numeric && typeof b.value === "number") {
      const m = el("span", { class: "marker" });
      const f = (b.value - edges[0]) / (edges[edges.length - 1] - edges[0]);
      m.style.left = "calc(" + (100 * f).toFixed(2) + "% - 1px)";
      wrap.appendChild(m);
    }
    return wrap;
  }

  function renderScores(r) {
    tbody.textContent = "";
    const shown = new Set();
    const addRow = (key, label, groups, id) => {
      shown.add(key);
      groups.forEach((g) => shown.add(g));
      const tr = el("tr", { "data-index": key });
      tr.appendChild(el("th", { scope: "row" }, label));
      const v = r[key];
      tr.appendChild(el("td", { class: "num", "data-key": key, "data-value": JSON.stringify(v === undefined ? null : v) }, fmt(v)));
      const gtd = el("td");
      for (const g of groups) {
        const gv = r[g];
        gtd.appendChild(el("div", { "data-key": g, "data-value": JSON.stringify(gv === undefined ? null : gv) },
          (groups.length > 1 ? g.replace(/^.*_(median|tercile)_group$/, "$1") + ": " : "") + fmt(gv)));
      }
      const why = id && r.unavailable ? r.unavailable[id] : "";
      if (why) gtd.appendChild(el("div", { class: "note", "data-unavailable": id }, "not computed: " + why));
      tr.appendChild(gtd);
      const btd = el("td");
      for (const b of bandFor(r.bands, key)) {
        btd.appendChild(el("div", { class: "scheme" }, b.scheme));
        btd.appendChild(renderBand(b));
      }
      tr.appendChild(btd);
      tbody.appendChild(tr);
    };
    for (const [key, label, groups, id] of INDICES) {
      if (key in r) addRow(key, label, groups.filter((g) => g in r), id);
    }
    for (const key of Object.keys(r)) {
      if (!shown.has(key) && !META.has(key)) addRow(key, key, []);
    }
    table.hidden = false;
  }

  // renderSurvival draws each available estimate as a step curve with the
  // 6/12/24-month points marked, and lists the notes of the others.
  function renderSurvival(list) {
    survivalBox.textContent = "";
    if (!list || list.length === 0) return;
    survivalBox.appendChild(el("h3", {}, "Individualized survival estimates"));
    const avail = list.filter((s) => s.available);
    for (const s of list.filter((s) => !s.available)) {
      survivalBox.appendChild(el("p", { class: "note", "data-model": s.model, "data-endpoint": s.endpoint },
        (NAMES[s.model] || s.model) + " " + s.endpoint.toUpperCase() + ": " + s.note));
    }
    if (avail.length === 0) return;
    const W = 460, H = 240, L = 44, R = 12, T = 12, B = 36;
    let tmax = 24;
    for (const s of avail) for (const p of s.curve || []) tmax = Math.max(tmax, p.months);
    const x = (t) => L + (W - L - R) * t / tmax;
    const y = (v) => T + (H - T - B) * (1 - v);
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("width", W);
    svg.setAttribute("role", "img");
    const title = document.createElementNS(NS, "title");
    title.textContent = "Estimated survival for this patient: " + avail.map((s) =>
      s.endpoint.toUpperCase() + " " + s.estimates.filter((e) => e.survival !== null).map((e) => e.months + " months " + fmt(100 * e.survival) + "%").join(", ")).join("; ");
    svg.appendChild(title);
    const line = (x1, y1, x2, y2, stroke) => {
      const l = document.createElementNS(NS, "line");
      l.setAttribute("x1", x1); l.setAttribute("y1", y1); l.setAttribute("x2", x2); l.setAttribute("y2", y2);
      l.setAttribute("stroke", stroke || "#8c959f");
      svg.appendChild(l);
    };
    const text = (tx, ty, s, anchor) => {
      const t = document.createElementNS(NS, "text");
      t.setAttribute("x", tx); t.setAttribute("y", ty); t.setAttribute("text-anchor", anchor || "middle");
      t.textContent = s;
      svg.appendChild(t);
    };
    line(L, y(0), W - R, y(0)); line(L, y(0), L, y(1));
    for (let v = 0; v <= 1.0001; v += 0.25) { line(L - 4, y(v), L, y(v)); text(L - 6, y(v) + 4, Math.round(v * 100) + "%", "end"); }
    const step = tmax <= 36 ? 6 : 12;
    for (let t = 0; t <= tmax; t += step) { line(x(t), y(0), x(t), y(0) + 4); text(x(t), y(0) + 16, String(t)); }
    text((L + W - R) / 2, H - 4, "months after infusion");
    avail.forEach((s, k) => {
      const pts = s.curve && s.curve.length ? s.curve : s.estimates;
      let d = "M" + x(0) + "," + y(1);
      // Steps down at each baseline time; the curve stops at the last one
      // (no extrapolation past the model's follow-up).
      for (const p of pts) {
        if (p.survival !== null) d += "H" + x(p.months).toFixed(1) + "V" + y(p.survival).toFixed(1);
      }
      const path = document.createElementNS(NS, "path");
      path.setAttribute("d", d);
      path.setAttribute("fill", "none");
      path.setAttribute("stroke-width", "2");
      path.setAttribute("class", "curve-" + s.endpoint);
      svg.appendChild(path);
      for (const e of s.estimates) {
        if (e.survival === null) continue; // past the model's follow-up
        const c = document.createElementNS(NS, "circle");
        c.setAttribute("cx", x(e.months)); c.setAttribute("cy", y(e.survival)); c.setAttribute("r", 3.5);
        c.setAttribute("class", "curve-" + s.endpoint);
        c.setAttribute("fill", "white"); c.setAttribute("stroke-width", "2");
        svg.appendChild(c);
      }
      text(W - R - 4, T + 14 + 14 * k, s.endpoint.toUpperCase() + " (" + (NAMES[s.model] || s.model) + ")", "end");
    });
    survivalBox.appendChild(svg);
    const t = el("table", {});
    t.appendChild(el("caption", {}, "Estimated survival probability"));
    const hr = el("tr");
    hr.appendChild(el("th", { scope: "col" }, "Model, endpoint"));
    for (const e of avail[0].estimates) hr.appendChild(el("th", { scope: "col" }, e.months + " months"));
    t.appendChild(hr);
    for (const s of avail) {
      const tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, (NAMES[s.model] || s.model) + ", " + s.endpoint.toUpperCase()));
      for (const e of s.estimates) {
        tr.appendChild(el("td", { class: "num", "data-survival": s.endpoint + "-" + e.months },
          e.survival === null ? "— (beyond the model's follow-up)" : fmt(100 * e.survival) + "%"));
      }
      t.appendChild(tr);
    }
    survivalBox.appendChild(t);
  }

  function renderWarnings(ws) {
    warningsBox.textContent = "";
    if (!ws || ws.length === 0) return;
    warningsBox.appendChild(el("h3", {}, "Warnings"));
    const ul = el("ul");
    for (const w of ws) ul.appendChild(el("li", {}, typeof w === "string" ? w : JSON.stringify(w)));
    warningsBox.appendChild(ul);
  }

  function renderModels(ms) {
    modelsBox.textContent = "";
    for (const m of ms || []) {
      const dl = el("dl");
      const add = (k, v) => { if (v) { dl.appendChild(el("dt", {}, k)); dl.appendChild(el("dd", {}, String(v))); } };
      add("model", m.name + " (" + m.id + ")");
      add("version", m.version);
      add("citation", m.citation);
      add("DOI", m.doi);
      if (m.provenance) {
        add("fitted on", m.provenance.fitted_on);
        add("date", m.provenance.date);
        add("software", m.provenance.software);
      }
      modelsBox.appendChild(dl);
    }
  }

  // renderDetail lists, per index, the terms or points that make it up and
  // the inputs it could not use, so that a score can be checked by hand.
  function renderDetail(res) {
    detailBox.textContent = "";
    if (!res) return;
    for (const key of Object.keys(res)) {
      const ix = res[key];
      if (!ix || typeof ix !== "object" || Array.isArray(ix) || !("terms" in ix)) continue;
      const d = el("details", { "data-index": ix.id });
      d.appendChild(el("summary", {}, ix.name + ": " + fmt(ix.value)));
      if (ix.terms && ix.terms.length) {
        const t = el("table");
        const hr = el("tr");
        for (const h of ["Input", "Value", "Points or term", "Rule"]) hr.appendChild(el("th", { scope: "col" }, h));
        t.appendChild(hr);
        for (const term of ix.terms) {
          const tr = el("tr");
          tr.appendChild(el("td", {}, term.input));
          tr.appendChild(el("td", { class: "num" }, fmt(term.value)));
          tr.appendChild(el("td", { class: "num" }, fmt(term.points)));
          tr.appendChild(el("td", {}, term.rule));
          t.appendChild(tr);
        }
        d.appendChild(t);
      }
      if (ix.unusable && ix.unusable.length) {
        d.appendChild(el("p", { class: "note" }, "Not used: " + ix.unusable.map((u) => u.field + " (" + u.message + ")").join("; ")));
      }
      if (ix.note) d.appendChild(el("p", { class: "note" }, ix.note));
      detailBox.appendChild(d);
    }
  }

  function showErrors(body) {
    errorsBox.textContent = "";
    for (const e of form.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
    if (!body) return;
    errorsBox.appendChild(el("p", { class: "err" }, body.error));
    for (const f of body.fields || []) {
      const text = f.message.startsWith(f.field) ? f.message : f.field + ": " + f.message;
      errorsBox.appendChild(el("p", { class: "err", "data-field": f.field }, text));
      const input = document.getElementById(f.field);
      if (input) input.setAttribute("aria-invalid", "true");
    }
  }

  let seq = 0;
  async function score() {
    const my = ++seq;
    const headers = { "Content-Type": "application/json" };
    if (tokenInput.value) headers.Authorization = "Bearer " + tokenInput.value;
    status.textContent = "calculating…";
    let resp, body;
    try {
      resp = await fetch("/api/v1/score?detail=true", { method: "POST", headers, body: JSON.stringify(collect()) });
      body = await resp.json();
    } catch (err) {
      if (my === seq) { status.textContent = ""; showErrors({ error: "no answer from the server: " + err.message }); }
      return;
    }
    if (my !== seq) return; // a newer request is under way
    status.textContent = "";
    placeholder.hidden = true;
    if (resp.status === 401) {
      tokenRow.hidden = false;
      showErrors({ error: "this server needs an API token: enter it below" });
      return;
    }
    if (!resp.ok) {
      showErrors(body);
      table.hidden = true;
      for (const box of [survivalBox, warningsBox, detailBox, modelsBox]) box.textContent = "";
      return;
    }
    // Values that could not be used are named at their inputs; the scores
    // that do not need them are shown all the same.
    showErrors(body.errors && body.errors.length ? {
      error: "Some values could not be used; only the scores that need them are not computed:",
      fields: body.errors.map((e) => ({ field: e.field, message: e.message + (e.fix ? "; " + e.fix : "") })),
    } : null);
    renderScores(body);
    renderSurvival(body.survival);
    renderWarnings(body.warnings);
    renderModels(body.models);
    renderDetail(body.result);
    document.body.dataset.scored = String(my);
  }

  let timer = 0;
  form.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(score, 250); });
  form.addEventListener("change", () => { clearTimeout(timer); timer = setTimeout(score, 250); });
  form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); score(); });
  form.addEventListener("reset", () => {
    // After the browser has restored the defaults (units and ULNs too).
    setTimeout(() => {
      for (const sel of form.querySelectorAll("select.unit")) sel.dataset.prev = sel.value;
      tbody.textContent = ""; table.hidden = true;
      for (const box of [survivalBox, warningsBox, detailBox, modelsBox]) box.textContent = "";
      showErrors(null);
      placeholder.hidden = false;
    }, 0);
  });
})();
