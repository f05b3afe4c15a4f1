// The playground page: a CodeMirror 6 editor on the left; the check of its text on the right,
// refreshed shortly after each change (one request in flight at a time; a change made meanwhile
// is checked as soon as the answer arrives, and answers for older text are dropped).

import { autocompletion, completionKeymap } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { EditorState } from "@codemirror/state";
import { EditorView, drawSelection, highlightActiveLine, keymap, lineNumbers } from "@codemirror/view";

import { get, post } from "./api.js";
import { $, download, el } from "./dom.js";
import { netCompletion, netLanguage } from "./language.js";
import { MAX_PROBLEMS, renderExplain, renderMemory, renderProblems, renderTable, renderTotals } from "./report.js";

const DEBOUNCE_MS = 10; // coalesces a burst (key repeat, paste); one request is in flight at a time anyway
const SEVERITY = { error: "error", warning: "warning", note: "info" };

const state = {
  view: null,
  session: null,
  version: 0, // bumped on every edit and settings change
  inFlight: false,
  timer: null,
  report: null,
  savedText: "",
  tab: "table",
};

function markModified() {
  const modified = state.view.state.doc.toString() !== state.savedText;
  $("file-name").classList.toggle("modified", modified);
  $("file-name").title = modified ? "changed since it was loaded or saved" : "";
}

function setStatus(kind, text) {
  const status = $("status");
  status.dataset.state = kind;
  status.textContent = text;
}

function settings() {
  const batch = $("batch").value.trim();
  return {
    batch: batch === "" ? null : Number(batch),
    dtype: $("dtype").value,
    optimizer: $("optimizer").value || null,
    device: $("device").value,
    memory: $("memory").value.trim(),
  };
}

function schedule(delay = DEBOUNCE_MS) {
  state.version += 1;
  clearTimeout(state.timer);
  state.timer = setTimeout(runCheck, delay);
}

async function runCheck() {
  if (state.inFlight) return; // the answer's handler checks again
  state.inFlight = true;
  const version = state.version;
  const text = state.view.state.doc.toString();
  setStatus("pending", "checking…");
  try {
    const started = performance.now();
    const { status, body } = await post("/api/check", { text, ...settings() });
    if (version !== state.version) return; // edited meanwhile: check the newer text instead
    if (status !== 200) {
      setStatus("failed", body.error || `the server answered ${status}`);
      return;
    }
    showReport(body, version, performance.now() - started);
    if (state.tab !== "table") refreshTab();
  } catch (error) {
    setStatus("failed", `the server cannot be reached (${error.message})`);
  } finally {
    state.inFlight = false;
    if (version !== state.version) runCheck();
  }
}

function showReport(report, version, elapsed) {
  state.report = report;
  const doc = state.view.state.doc;
  const diagnostics = report.diagnostics.slice(0, MAX_PROBLEMS).map((d) => ({
    from: Math.min(d.from, doc.length),
    to: Math.min(d.to, doc.length),
    severity: SEVERITY[d.severity] || "info",
    message: d.hint ? `${d.message} — ${d.hint}` : d.message,
    renderMessage: () => diagnosticMessage(d),
  }));
  state.view.dispatch(setDiagnostics(state.view.state, diagnostics));
  renderTable(report, selectLayer);
  renderTotals(report);
  renderMemory(report);
  renderProblems(report, selectDiagnostic);
  const errors = report.diagnostics.filter((d) => d.severity === "error").length;
  setStatus(report.ok ? "ok" : "errors", report.ok ? `✓ checked in ${Math.round(elapsed)} ms` : `${errors} error${errors === 1 ? "" : "s"}`);
  $("status").dataset.version = String(version);
}

function diagnosticMessage(d) {
  const box = el("div", { class: "diagnostic" }, el("div", { class: "message" }, d.message, " ", el("span", { class: "code" }, `[${d.code}]`)));
  if (d.hint) box.append(el("div", { class: "hint" }, `hint: ${d.hint}`));
  for (const note of d.notes) box.append(el("div", { class: "hint" }, `note (${note.line}:${note.column}): ${note.message}`));
  return box;
}

function selectLayer(layer, row) {
  for (const other of $("layers").querySelectorAll("tr.selected")) other.classList.remove("selected");
  row.classList.add("selected");
  renderExplain(layer);
  const line = state.view.state.doc.line(Math.min(layer.line, state.view.state.doc.lines));
  state.view.dispatch({ selection: { anchor: line.from }, scrollIntoView: true });
}

function selectDiagnostic(d) {
  const length = state.view.state.doc.length;
  state.view.dispatch({ selection: { anchor: Math.min(d.from, length), head: Math.min(d.to, length) }, scrollIntoView: true });
  state.view.focus();
}

let tabRequests = 0;

async function refreshTab() {
  const text = state.view.state.doc.toString();
  const request = ++tabRequests; // only the latest answer is shown
  if (state.tab === "code") {
    const { body } = await post("/api/compile", { text });
    if (request !== tabRequests) return;
    $("code").textContent = body.ok ? body.source : body.errors || body.error;
  } else if (state.tab === "diagram") {
    const { body } = await post("/api/draw", { text });
    if (request !== tabRequests) return;
    if (body.ok) {
      $("diagram").src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(body.svg)}`;
      $("diagram-note").textContent = "";
    } else {
      $("diagram").removeAttribute("src");
      $("diagram-note").textContent = body.error;
    }
  }
}

function showTab(name) {
  state.tab = name;
  for (const tab of document.querySelectorAll(".tab")) tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
  for (const panel of ["table", "code", "diagram"]) $(`panel-${panel}`).hidden = panel !== name;
  if (name !== "table") refreshTab();
}

async function save(digest = state.session.digest) {
  const text = state.view.state.doc.toString();
  const { status, body } = await post("/api/save", { text, digest });
  if (status === 200) {
    state.session.digest = body.digest;
    state.savedText = text;
    markModified();
    setStatus(state.report && state.report.ok ? "ok" : "errors", `saved ${body.saved}`);
    $("status").dataset.saved = body.digest;
  } else if (status === 409 && body.diff !== undefined) {
    $("conflict-name").textContent = state.session.name;
    $("conflict-diff").textContent = body.diff;
    $("conflict").dataset.digest = body.digest;
    $("conflict").showModal();
  } else {
    setStatus("failed", body.error || `the server answered ${status}`);
  }
}

// On a page opened on a file, an example replaces the file's text in the editor, and Save would
// write it over the file: always ask first, saying so (a person looking at examples may not expect it).
async function loadExample(name) {
  const modified = state.view.state.doc.toString() !== state.savedText;
  const question = state.session.can_save
    ? `Replace the editor's text with the example ${name}? Saving would then write it over ${state.session.name}.`
    : "Replace the editor's text with this example?";
  if ((state.session.can_save || modified) && !window.confirm(question)) {
    $("examples").value = "";
    return;
  }
  const { status, body } = await get(`/api/examples/${encodeURIComponent(name)}`);
  if (status !== 200) return;
  state.view.dispatch({ changes: { from: 0, to: state.view.state.doc.length, insert: body.text } });
}

function stem() {
  const name = state.session.name.split(/[\\/]/).pop();
  return name.replace(/\.net$/, "") || "network";
}

async function start() {
  const [session, kinds, examples] = await Promise.all([get("/api/session"), get("/api/kinds"), get("/api/examples")]);
  state.session = session.body;
  state.savedText = session.body.text;
  $("file-name").textContent = state.session.name + (state.session.can_save ? "" : " (example)");
  document.title = `${state.session.name.split(/[\\/]/).pop()} — netspec playground`;
  $("save").hidden = !state.session.can_save;
  document.querySelector('.tab[data-tab="diagram"]').hidden = !state.session.draw;
  for (const example of examples.body.examples) {
    $("examples").append(el("option", { value: example.name }, example.title ? `${example.name} — ${example.title}` : example.name));
  }
  const kindNames = kinds.body.kinds.map((k) => k.name);
  state.view = new EditorView({
    parent: $("editor"),
    state: EditorState.create({
      doc: state.session.text,
      extensions: [
        EditorView.cspNonce.of(document.querySelector('meta[name="netspec-style-nonce"]').content),
        lineNumbers(),
        EditorView.lineWrapping,
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        netLanguage(kindNames, kinds.body.keywords),
        syntaxHighlighting(defaultHighlightStyle),
        autocompletion({ override: [netCompletion(kinds.body.kinds, kinds.body.keywords)] }),
        lintGutter(),
        keymap.of([
          { key: "Mod-s", run: () => { if (state.session.can_save) save(); return true; } },
          ...completionKeymap, ...lintKeymap, ...historyKeymap, ...defaultKeymap, indentWithTab,
        ]),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          markModified();
          schedule();
        }),
      ],
    }),
  });
  for (const id of ["batch", "dtype", "optimizer", "device", "memory"]) {
    $(id).addEventListener("input", () => schedule());
  }
  for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => showTab(tab.dataset.tab));
  $("save").addEventListener("click", () => save());
  $("conflict-cancel").addEventListener("click", () => $("conflict").close());
  $("conflict-overwrite").addEventListener("click", () => { $("conflict").close(); save($("conflict").dataset.digest); });
  $("examples").addEventListener("change", (event) => { if (event.target.value) loadExample(event.target.value); });
  $("download-net").addEventListener("click", () => download(`${stem()}.net`, state.view.state.doc.toString(), "text/plain"));
  $("download-json").addEventListener("click", () => download(`${stem()}.json`, JSON.stringify(state.report, null, 2), "application/json"));
  $("download-py").addEventListener("click", async () => {
    const { body } = await post("/api/compile", { text: state.view.state.doc.toString() });
    if (body.ok) download(`${stem()}.py`, body.source, "text/x-python");
    else setStatus("failed", "the spec has errors: nothing to compile");
  });
  schedule(0);
}

start().catch((error) => setStatus("failed", `the page could not start (${error.message})`));
