// Drawing a check into the page: the per-layer table, the totals, the memory figures and the
// problem list. Everything from the spec goes in as text (el() uses textContent).

import { $, el } from "./dom.js";

const count = (n) => n.toLocaleString("en-US");

export function shape(dims) {
  return dims ? dims.join("×") : "—";
}

function pair(value) {
  if (value === null || value === undefined) return "—";
  const part = (v) => (Array.isArray(v) ? `${v[0]}/${v[1]}` : String(v));
  const [h, w] = value.map(part);
  return h === w ? h : `${h}×${w}`;
}

export function bytes(n) {
  const units = [["TiB", 2 ** 40], ["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]];
  for (const [unit, size] of units) {
    if (Math.abs(n) >= size) return `${(n / size).toPrecision(3).replace(/\.?0+$/, "")} ${unit}`;
  }
  return `${n} B`;
}

function short(n) {
  for (const [unit, size] of [["G", 1e9], ["M", 1e6], ["K", 1e3]]) {
    if (n >= size) return `${(n / size).toPrecision(3).replace(/\.?0+$/, "")} ${unit}`;
  }
  return String(n);
}

const rowLayer = new WeakMap(); // a table row → its layer, for the one click listener
const rowKey = new WeakMap(); // a table row → the JSON it was drawn from

function layerRow(layer) {
  const line = layer.call_lines.length ? `${layer.line}←${layer.call_lines[0]}` : String(layer.line);
  const row = el("tr", { "data-index": String(layer.index) },
    el("td", {}, String(layer.index)), el("td", {}, line), el("td", { class: "text" }, layer.text),
    el("td", { class: "name" }, layer.name), el("td", {}, shape(layer.output)),
    el("td", { class: "num" }, count(layer.params)), el("td", { class: "num" }, count(layer.macs)),
    el("td", {}, pair(layer.rf)));
  rowLayer.set(row, layer);
  return row;
}

function inputRow(report) {
  return el("tr", { class: "input-row" }, el("td", {}, "0"), el("td"), el("td", {}, "input"), el("td"),
    el("td", {}, shape(report.input)), el("td", {}, "0"), el("td", {}, "0"),
    el("td", {}, report.input.length === 3 ? "1" : "—"));
}

// Redraws only the rows whose layer changed: a keystroke usually changes a few rows of hundreds.
export function renderTable(report, onSelect) {
  const body = $("layers").tBodies[0];
  if (!body.dataset.listening) {
    body.dataset.listening = "1";
    body.addEventListener("click", (event) => {
      const row = event.target.closest("tr");
      if (row && rowLayer.has(row)) onSelect(rowLayer.get(row), row);
    });
  }
  const wanted = [];
  if (report.input) wanted.push([`input ${JSON.stringify(report.input)}`, () => inputRow(report)]);
  for (const layer of report.layers) wanted.push([JSON.stringify(layer), () => layerRow(layer)]);
  const rows = body.rows;
  wanted.forEach(([key, make], i) => {
    const existing = rows[i];
    if (existing && rowKey.get(existing) === key) return;
    const row = make();
    rowKey.set(row, key);
    if (existing) existing.replaceWith(row);
    else body.append(row);
  });
  while (rows.length > wanted.length) rows[rows.length - 1].remove();
  const hidden = report.layers_total - report.layers.length;
  $("table-note").textContent = hidden > 0 ? `… and ${count(hidden)} more layers (the table shows the first ${count(report.layers.length)})` : "";
}

export function renderTotals(report) {
  const box = $("totals");
  if (!report.ok) {
    box.replaceChildren(el("p", { class: "stale" }, report.layers.length
      ? "The spec has errors: the table shows the layers before the first one."
      : "The spec has errors."));
    return;
  }
  const t = report.totals;
  box.replaceChildren(
    el("div", {}, el("b", {}, report.network), ` ${shape(report.input)} → ${shape(report.output)}`),
    el("div", {}, "params ", el("b", { id: "total-params" }, count(t.params)), ` (${short(t.params)})`,
      t.buffers ? `, buffers ${count(t.buffers)}` : ""),
    el("div", {}, "MACs ", el("b", { id: "total-macs" }, count(t.macs)), ` (${short(t.macs)}) per sample; FLOPs ${short(t.flops)}`),
  );
}

export function renderMemory(report) {
  const box = $("memory-figures");
  const m = report.memory;
  if (!m) {
    // Errors: keep the last figures, dimmed, so the panel does not jump while typing.
    box.classList.add("stale");
    box.title = "from the last version of the spec without errors";
    if (!box.firstChild) box.replaceChildren(el("p", {}, "—"));
    return;
  }
  box.classList.remove("stale");
  box.title = "";
  const b = m.bytes;
  const part = (label, value) => el("span", { class: "part" }, `${label} `, el("b", {}, bytes(value)));
  box.replaceChildren(
    el("div", {}, `one training step at batch ${count(m.batch)}, ${m.dtype}, ${m.optimizer}, ${m.device}:`),
    el("div", { class: "parts" }, part("weights", b.weights), part("gradients", b.gradients),
      part("optimizer", b.optimizer_state), part("activations", b.activations), part("input", b.input),
      part("workspace", b.workspace)),
    el("div", { class: m.bytes.total > m.limit ? "total over" : "total" }, "total ",
      el("b", { id: "memory-total" }, bytes(b.total)), ` — largest batch in ${bytes(m.limit)}: `,
      el("b", { id: "max-batch" }, count(m.max_batch))),
  );
}

export const MAX_PROBLEMS = 1000; // listed and underlined; the counts and the JSON have them all

export function renderProblems(report, onSelect) {
  const items = report.diagnostics.slice(0, MAX_PROBLEMS).map((d) => {
    const where = d.line ? `${d.line}:${d.column}` : "";
    const item = el("li", { class: `problem ${d.severity}` },
      el("span", { class: "severity" }, d.severity), el("span", { class: "where" }, where),
      el("span", { class: "message" }, d.message), el("span", { class: "code" }, `[${d.code}]`));
    if (d.hint) item.append(el("div", { class: "hint" }, `hint: ${d.hint}`));
    for (const note of d.notes) item.append(el("div", { class: "hint" }, `${note.line}:${note.column}: note: ${note.message}`));
    item.addEventListener("click", () => onSelect(d));
    return item;
  });
  const hidden = report.diagnostics.length - items.length;
  if (hidden > 0) items.push(el("li", { class: "problem note" }, `… and ${count(hidden)} more (the JSON download lists them all)`));
  $("problems").replaceChildren(...items);
  const errors = report.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = report.diagnostics.filter((d) => d.severity === "warning").length;
  $("problem-count").textContent = `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
}

export function renderExplain(layer) {
  const box = $("explain");
  box.hidden = false;
  box.replaceChildren(
    el("h3", {}, `${layer.index}. ${layer.name}: `, el("code", {}, layer.text)),
    el("div", {}, `${shape(layer.input)} → ${shape(layer.output)}`),
    ...layer.explain.map((step) => el("div", { class: "step" }, step)),
  );
}
