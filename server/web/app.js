// carimpi web calculator: reads the form, converts units to the data
// dictionary's at this edge, posts the patient to /api/v1/score and shows
// the answer. No libraries, no network beyond this server.
"use strict";
window.addEventListener("error", (e) => { window.__err = String(e.message); });
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
  const banner = document.getElementById("simulated-banner");
  const modelFile = document.getElementById("model-file");
  const modelStatus = document.getElementById("model-status");
  const modelClear = document.getElementById("model-clear");
  let loadedModel = null; // the user's model file, kept in this page only

  // LABELS maps each data dictionary column of the form to the words on
  // the page, so that messages never show a column name such as mtv_ml.
  const LABELS = {};
  for (const lab of form.querySelectorAll(".row > label:first-child")) {
    const id = lab.getAttribute("for");
    if (!id) continue;
    const words = lab.childNodes[0] ? lab.childNodes[0].textContent.trim() : lab.textContent.trim();
    LABELS[id] = words;
    LABELS[id + "_uln"] = "upper limit of normal of " + words;
  }
  const KEYS = new RegExp("\\b(" + Object.keys(LABELS).sort((a, b) => b.length - a.length).join("|") + ")\\b", "g");

  // humanize puts the page's words for column names and command-line
  // flags into a message from the server.
  function humanize(msg) {
    if (typeof msg !== "string") return msg;
    msg = msg.replace(/\(?--units ([a-z0-9_]+)=([^\s,;)]+)\)?/g, (m, k, u) => "(choose " + u + " in the unit selector of " + (LABELS[k] || k) + ")");
    msg = msg.replace(/--default-uln/g, "the ULN fields").replace(/the \*_uln fields/g, "the ULN fields").replace(/--model model\.json/g, "a model file");
    return msg.replace(KEYS, (k) => LABELS[k]);
  }

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
  const META = new Set(["notice", "simulated", "patient_id", "warnings", "unavailable", "errors", "survival", "bands", "models", "result"]);
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
      if (el.type === "file") continue;
      const x = parseFloat(el.value);
      if (el.tagName === "SELECT" && isNaN(x)) { p[el.name] = el.value; continue; }
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

  // pct shows a probability as a whole percentage.
  function pct(v) { return Math.round(100 * v) + "%"; }
  const ENDPOINT = { pfs: "Progression-free survival", os: "Overall survival" };

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

  // groupName shows a value for people: a combined group's code
  // ("c-low/h-high") as its band's label ("CAR-IMPI low / CAR-HEMATOTOX
  // high"); the API keeps the code (data-value).
  function groupName(bands, key, v) {
    for (const b of bandFor(bands, key)) {
      for (const g of b.groups) if (g.name === v && g.label) return g.label;
    }
    return fmt(v);
  }

  // renderBand draws the groups of one index under one scheme as coloured
  // segments, the patient's group outlined. Cox scores, whose groups have
  // numeric cutoffs, get proportional segments and a marker at the value.
  function renderBand(b) {
    // The combined groups, named in words, as a 2 × 2 grid (CAR-IMPI low,
    // high by the other index's low, high), as the paper's Fig 4A.
    const grid = b.groups.length === 4 && b.groups.every((g) => g.label);
    const wrap = el("div", { class: grid ? "band grid" : "band", role: "img", "data-model": b.model, "data-scheme": b.scheme,
      "aria-label": b.scheme + " groups: " + b.groups.map((g) => (g.label || g.name) + (g.rule ? " (" + g.rule + ")" : "")).join(", ") +
        "; this patient: " + (b.group ? (b.groups.find((g) => g.name === b.group) || {}).label || b.group : "not computed") });
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
      const s = el("span", { class: cls, title: (g.label || g.name) + (g.rule ? ": " + g.rule : "") }, g.label || g.name);
      if (!grid) s.style.flex = String(numeric ? Math.max(edges[i + 1] - edges[i], 1e-9) : 1);
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
      tr.appendChild(el("td", { class: "num", "data-key": key, "data-value": JSON.stringify(v === undefined ? null : v) }, groupName(r.bands, key, v)));
      const gtd = el("td");
      for (const g of groups) {
        const gv = r[g];
        gtd.appendChild(el("div", { "data-key": g, "data-value": JSON.stringify(gv === undefined ? null : gv) },
          (groups.length > 1 ? g.replace(/^.*_(median|tercile)_group$/, "$1") + ": " : "") + fmt(gv)));
      }
      const why = id && r.unavailable ? r.unavailable[id] : "";
      if (why) gtd.appendChild(el("div", { class: "note", "data-unavailable": id }, "not computed: " + humanize(why)));
      tr.appendChild(gtd);
      const btd = el("td");
      for (const b of bandFor(r.bands, key)) {
        btd.appendChild(el("div", { class: "scheme" }, b.label || b.scheme));
        btd.appendChild(renderBand(b));
        if (b.groups.some((g) => g.rule)) {
          btd.appendChild(el("div", { class: "cuts", "data-cutoffs": b.model + "-" + b.scheme },
            b.groups.map((g) => g.rule ? g.name + ": " + g.rule.replace(/>=/g, "≥").replace(/<=/g, "≤") : g.name).join(" · ")));
        }
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
    const key = el("div", { class: "key", id: "survival-key" });
    for (const s of avail) key.appendChild(el("span", { class: "k-" + s.endpoint }, ENDPOINT[s.endpoint] + " (" + (NAMES[s.model] || s.model) + ")"));
    survivalBox.appendChild(key);
    const W = 460, H = 250, L = 56, R = 12, T = 12, B = 40;
    let tmax = 24;
    for (const s of avail) for (const p of s.curve || []) tmax = Math.max(tmax, p.months);
    const x = (t) => L + (W - L - R) * t / tmax;
    const y = (v) => T + (H - T - B) * (1 - v);
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("role", "img");
    const title = document.createElementNS(NS, "title");
    title.textContent = "Estimated survival for this patient: " + avail.map((s) =>
      s.endpoint.toUpperCase() + " " + s.estimates.filter((e) => e.survival !== null).map((e) => e.months + " months " + pct(e.survival)).join(", ")).join("; ");
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
    text((L + W - R) / 2, H - 4, "Months after CAR T-cell infusion");
    const yt = document.createElementNS(NS, "text");
    yt.setAttribute("transform", "translate(14," + (T + (H - T - B) / 2) + ") rotate(-90)");
    yt.setAttribute("text-anchor", "middle");
    yt.textContent = "Probability without event";
    svg.appendChild(yt);
    avail.forEach((s, k) => {
      const pts = s.curve && s.curve.length ? s.curve : s.estimates;
      // The 95% confidence band, where the model gives one.
      const banded = pts.filter((p) => p.survival !== null && typeof p.lower === "number" && typeof p.upper === "number");
      if (banded.length) {
        let up = "M" + x(0) + "," + y(1), lo = "";
        for (const p of banded) { up += "H" + x(p.months).toFixed(1) + "V" + y(p.upper).toFixed(1); }
        for (const p of banded.slice().reverse()) { lo += "V" + y(p.lower).toFixed(1) + "H" + x(p.months).toFixed(1); }
        const band = document.createElementNS(NS, "path");
        band.setAttribute("d", up + lo + "V" + y(1) + "H" + x(0) + "Z");
        band.setAttribute("class", "band-" + s.endpoint);
        band.setAttribute("fill-opacity", "0.15");
        band.setAttribute("data-ci", s.endpoint);
        svg.appendChild(band);
      }
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
    });
    survivalBox.appendChild(svg);
    if (!avail.some((s) => (s.curve || []).some((p) => typeof p.lower === "number"))) {
      survivalBox.appendChild(el("p", { class: "note", id: "no-ci" }, "No confidence band: the model file gives the baseline survival without its uncertainty, so the curves are point estimates."));
    }
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
          e.survival === null ? "— (beyond the model's follow-up)" : pct(e.survival)));
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
    for (const w of ws) ul.appendChild(el("li", {}, humanize(typeof w === "string" ? w : (w.message || JSON.stringify(w)))));
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
      const p = m.provenance;
      if (p) {
        add("source", p.source === "fitted" ? "fitted by carimpi" : p.source);
        const f = p.fitted_on;
        if (f) {
          add("fitted on", (f.simulated ? "SIMULATED data — not patients: " : "") + f.data + " (" + (f.cohorts || []).join(", ") + ", " + f.n + " patients, " + f.events + " events)");
          add("method", f.method);
        }
        add("date", p.date);
        for (const w of p.warnings || []) add("warning", w);
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
      if (ix.note) d.appendChild(el("p", { class: "note" }, humanize(ix.note)));
      const sc = ix.scope;
      if (sc) {
        const dl = el("dl", { class: "scope", "data-scope": ix.id });
        const add = (k, v) => { dl.appendChild(el("dt", {}, k)); dl.appendChild(el("dd", {}, v)); };
        add("Predicts", sc.predicts);
        add("Validated in", sc.validated_in);
        add("Inputs taken", sc.inputs);
        add("Cutoffs", sc.cutoffs);
        add("Exactly on a cutoff", sc.on_cutoff);
        if (ix.mtv_method) add("MTV segmentation", ix.mtv_method === "41pct" ? "41% of SUVmax" : "SUV 4.0");
        d.appendChild(dl);
      }
      detailBox.appendChild(d);
    }
  }

  // showErrors shows each field's problem next to the field, in the
  // page's words, marks the field invalid, and sums them up at the top.
  function showErrors(body) {
    errorsBox.textContent = "";
    for (const e of form.querySelectorAll("[aria-invalid]")) e.removeAttribute("aria-invalid");
    for (const p of form.querySelectorAll(".field-error")) { p.textContent = ""; p.hidden = true; }
    if (!body) return;
    errorsBox.appendChild(el("p", { class: "err" }, humanize(body.error)));
    for (const f of body.fields || []) {
      const label = LABELS[f.field] || humanize(f.field);
      let text = humanize(f.message);
      if (!text.startsWith(label)) text = label + ": " + text;
      const input = document.getElementById(f.field) || document.getElementById(f.field.replace(/_uln$/, ""));
      const slot = document.getElementById((input ? input.id : f.field) + "-error");
      if (input) input.setAttribute("aria-invalid", "true");
      if (slot) { slot.textContent = text; slot.hidden = false; }
      errorsBox.appendChild(el("p", { class: "err", "data-field": f.field }, text));
    }
  }

  // badInputs lists the number fields whose text is not a number ("-",
  // "1e", "12,5,3"): the browser gives their value as "", so without this
  // check they would be scored as missing without a word.
  function badInputs() {
    const out = [];
    for (const el of form.elements) {
      if (el.validity && el.validity.badInput) {
        out.push({ field: el.id || el.name, message: "not a number; write a plain number such as 12.5, or clear the field if the value is unknown" });
      }
    }
    return out;
  }

  let seq = 0;
  async function score() {
    const my = ++seq;
    const bad = badInputs();
    if (bad.length) {
      status.textContent = "";
      showErrors({ error: "Some entries are not numbers; no score is computed until they are corrected (or cleared):", fields: bad });
      table.hidden = true;
      for (const box of [survivalBox, warningsBox, detailBox, modelsBox]) box.textContent = "";
      return;
    }
    const headers = { "Content-Type": "application/json" };
    if (tokenInput.value) headers.Authorization = "Bearer " + tokenInput.value;
    status.textContent = "calculating…";
    let resp, body;
    try {
      resp = loadedModel
        ? await fetch("/api/v1/score-with-model?detail=true", { method: "POST", headers, body: JSON.stringify({ model: loadedModel, patient: collect() }) })
        : await fetch("/api/v1/score?detail=true", { method: "POST", headers, body: JSON.stringify(collect()) });
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
    if (!resp.ok && loadedModel && (body.fields || []).some((f) => f.field === "model")) {
      modelStatus.textContent = "This model file cannot be used: " + humanize(body.fields.find((f) => f.field === "model").message);
      loadedModel = null; modelClear.hidden = true; modelFile.value = "";
      return score();
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
    banner.hidden = !body.simulated;
    if (loadedModel) {
      const m = (body.models || []).find((x) => x.provenance && x.provenance.source !== "published" && (x.id === "car-impi" || x.id === "impi"));
      if (m) modelStatus.textContent = "Using " + m.name + " " + m.version + " from your file (" + (m.provenance.fitted_on && m.provenance.fitted_on.simulated ? "fitted on SIMULATED data — not for patients" : m.provenance.source) + ").";
    }
    renderScores(body);
    renderSurvival(body.survival);
    renderWarnings(body.warnings);
    renderModels(body.models);
    renderDetail(body.result);
    document.body.dataset.scored = String(my);
  }

  modelFile.addEventListener("change", () => {
    const f = modelFile.files && modelFile.files[0];
    if (!f) return;
    const rd = new FileReader();
    rd.onload = () => {
      try {
        loadedModel = JSON.parse(rd.result);
        modelStatus.textContent = "Model file read: " + f.name + ".";
        modelClear.hidden = false;
      } catch (err) {
        loadedModel = null;
        modelStatus.textContent = "This file is not a model file (not JSON): " + err.message;
      }
      score();
    };
    rd.readAsText(f);
  });
  modelClear.addEventListener("click", () => {
    loadedModel = null; modelFile.value = ""; modelClear.hidden = true;
    modelStatus.textContent = "Model file removed.";
    score();
  });
  // The server's own models: a model fitted on simulated data shows the
  // banner before anything is typed.
  fetch("/api/v1/models").then((r) => r.ok ? r.json() : null).then((b) => {
    if (b && (b.models || []).some((m) => m.provenance && m.provenance.fitted_on && m.provenance.fitted_on.simulated)) banner.hidden = false;
  }).catch(() => {});

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
