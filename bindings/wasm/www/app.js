// The verification page: a signed file in, the report of `imza verify --json` out, shown in
// plain words. Everything happens in this tab: the module and the demo root are loaded when
// the page loads, and verifying reads the chosen files locally and fetches nothing.
//
// body[data-state]: "loading" → "ready" → "working" → "needs-content" | "done" | "error".
import { LANGUAGES, NUMBER_FALLBACK, STRINGS } from "./i18n.js";

const YIELD_EVERY = 16 * 1024 * 1024; // bytes hashed between two repaints
const STATUS_EVERY_MS = 1500; // the status line (read out by screen readers) during hashing
const SW_WAIT_MS = 3000; // how long "ready" waits for the offline cache to be filled
const SIGNATURE_NAME = /\.(p7s|p7m|p7|cms|sig|pem|asics|scs|asice|sce)$/i;
const TONE = { TOTAL_PASSED: "passed", TOTAL_FAILED: "failed", INDETERMINATE: "indeterminate" };
const ICON = { passed: "✓", failed: "✗", indeterminate: "?" };
const STALE = Symbol("a newer verification started");

const state = {
  lang: "en",
  imza: null, // the package, once init() has loaded the module
  demoRoot: null, // PEM text of demo/root.pem
  signatureFile: null,
  contentFile: null,
  needsContent: false, // the last signature read is detached
  run: 0, // each verification takes the next number; an older one stops at its next step
  lastOptions: {}, // of the last verify(), for "verify again" and a changed setting
  status: null, // [key, vars] of the status line
  error: null, // { key, vars, detail, code } shown in #error
  result: null, // { report, context } shown in #result
};

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- words and formats

/** The text of `key` in the current language, with `{name}` filled from `vars`. */
function t(key, vars = {}) {
  const text = STRINGS[state.lang][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(value(vars[name])) : m));
}

/** Like t(), but `vars` may hold DOM nodes: a list of strings and nodes. */
function tn(key, vars) {
  const text = STRINGS[state.lang][key] ?? STRINGS.en[key] ?? key;
  return text.split(/(\{\w+\})/).map((part) => {
    const name = /^\{(\w+)\}$/.exec(part)?.[1];
    return name && name in vars ? value(vars[name]) : part;
  });
}

const value = (v) => (typeof v === "function" ? v() : v);

const icuData = new Map();

/** Whether the browser can format dates in `lang` (Chromium has no Azerbaijani data). */
function hasIcuData(lang) {
  if (!icuData.has(lang)) {
    const month = new Intl.DateTimeFormat(lang, { month: "long", timeZone: "UTC" }).format(Date.UTC(2026, 0, 15));
    icuData.set(lang, !/^M\d+$/.test(month));
  }
  return icuData.get(lang);
}

/** The locale for numbers and sizes (see NUMBER_FALLBACK). */
function numberLocale() {
  return hasIcuData(state.lang) ? state.lang : (NUMBER_FALLBACK[state.lang] ?? "en");
}

function dateFormat() {
  // The month by name where the browser knows the names (no day/month ambiguity), else the
  // numeric form, which without locale data is ISO-like.
  const month = hasIcuData(state.lang) ? { month: "short", day: "numeric" } : { month: "2-digit", day: "2-digit" };
  return new Intl.DateTimeFormat(state.lang, {
    year: "numeric", ...month,
    hour: "2-digit", minute: "2-digit", second: "2-digit",
    hourCycle: "h23", timeZone: "UTC",
  });
}

/** An RFC 3339 time as a <time>, in the reader's language (month by name: no day/month
 * ambiguity), in UTC and said so; the raw value as its title. */
function time(raw) {
  if (!raw) return "—";
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) return raw;
  return el("time", { datetime: raw, title: raw }, `${dateFormat().format(d)} UTC`);
}

function percent(fraction) {
  if (!hasIcuData(state.lang)) return `${Math.floor(fraction * 100)}%`;
  return new Intl.NumberFormat(state.lang, { style: "percent", maximumFractionDigits: 0 }).format(Math.floor(fraction * 100) / 100);
}

/** A size for people: "7.7 MB". */
function size(bytes) {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"];
  let n = bytes;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return new Intl.NumberFormat(numberLocale(), {
    style: "unit", unit: units[i], unitDisplay: i === 0 ? "long" : "short", maximumFractionDigits: 1,
  }).format(n);
}

/** An exact length: "7 744 bytes (7.7 kB)". */
function length(bytes) {
  const exact = new Intl.NumberFormat(numberLocale(), { style: "unit", unit: "byte", unitDisplay: "long" }).format(bytes);
  return bytes >= 1000 ? `${exact} (${size(bytes)})` : exact;
}

// ---------------------------------------------------------------- distinguished names

/** Splits an RFC 4514 name into [type, value] pairs, escapes undone. */
function dnParts(dn) {
  const parts = [];
  let start = 0;
  for (let i = 0; i <= dn.length; i++) {
    if (dn[i] === "\\") {
      i++;
    } else if (i === dn.length || dn[i] === "," || dn[i] === "+") {
      const rdn = dn.slice(start, i);
      const eq = rdn.search(/(?<!\\)=/);
      if (eq > 0) parts.push([rdn.slice(0, eq).trim(), unescapeDn(rdn.slice(eq + 1).trim())]);
      start = i + 1;
    }
  }
  return parts;
}

function unescapeDn(s) {
  const bytes = [];
  const encoder = new TextEncoder();
  const chars = Array.from(s);
  for (let i = 0; i < chars.length; i++) {
    const hex = chars.slice(i + 1, i + 3).join("");
    if (chars[i] === "\\" && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      if (chars[i] === "\\" && i + 1 < chars.length) i++;
      bytes.push(...encoder.encode(chars[i]));
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** The common name of a subject, else its first value, else the whole name. */
function commonName(dn) {
  if (!dn) return "—";
  const parts = dnParts(dn);
  const cn = parts.find(([type]) => /^(CN|2\.5\.4\.3)$/i.test(type));
  return (cn ?? parts[0])?.[1] || dn;
}

// ---------------------------------------------------------------- DOM

/** A new element: attributes (null/false left out) and children (strings or nodes). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    node.setAttribute(name, v === true ? "" : String(v));
  }
  for (const child of children.flat(Infinity)) {
    if (child !== null && child !== undefined && child !== false && child !== "") node.append(child);
  }
  return node;
}

function setState(name) {
  document.body.dataset.state = name;
}

function setStatus(key, vars = {}) {
  state.status = key ? [key, vars] : null;
  renderStatus();
}

function renderStatus() {
  $("status").textContent = state.status ? t(...state.status) : "";
}

/** Shows the progress bar: a fraction, "busy" (no measure), or null (hidden). */
function showProgress(done, total) {
  const line = $("progress-line");
  const bar = $("progress");
  if (done === null) {
    line.hidden = true;
    return;
  }
  line.hidden = false;
  if (done === "busy") {
    bar.removeAttribute("value");
    bar.removeAttribute("aria-valuetext");
    return;
  }
  const fraction = total > 0 ? Math.min(done / total, 1) : 1;
  bar.value = fraction;
  bar.setAttribute("aria-valuetext", `${percent(fraction)} (${size(done)} / ${size(total)})`);
}

// ---------------------------------------------------------------- language

function initialLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (LANGUAGES.includes(asked)) return asked;
  const saved = storage("get");
  if (LANGUAGES.includes(saved)) return saved;
  for (const tag of navigator.languages ?? [navigator.language]) {
    const primary = String(tag).toLowerCase().split("-")[0];
    if (LANGUAGES.includes(primary)) return primary;
  }
  return "en";
}

/** The saved language; storage can be refused (privacy settings), which is fine. */
function storage(op, lang) {
  try {
    if (op === "get") return localStorage.getItem("imza.lang");
    localStorage.setItem("imza.lang", lang);
  } catch {
    return null;
  }
  return null;
}

function setLanguage(lang) {
  state.lang = lang;
  document.documentElement.lang = lang;
  document.title = t("doc_title");
  $("language").value = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  renderDropzone();
  renderStatus();
  renderError();
  renderResult(false);
}

// ---------------------------------------------------------------- loading

async function loadModule() {
  try {
    const imza = await import("./imza/index.js");
    await imza.default();
    state.imza = imza;
    $("version").textContent = `imza ${imza.version()}`;
    return true;
  } catch (e) {
    state.error = { key: "module_error", detail: String(e?.message ?? e) };
    renderError();
    return false;
  }
}

/** demo/root.pem, fetched now so that verifying fetches nothing. */
async function loadDemoRoot() {
  try {
    const response = await fetch("demo/root.pem");
    const text = response.ok ? await response.text() : "";
    if (!text.includes("-----BEGIN CERTIFICATE-----")) throw new Error("no demo root");
    state.demoRoot = text;
  } catch {
    $("demo-root").checked = false;
    $("demo-root").disabled = true;
    $("demo-root-missing").hidden = false;
  }
}

/** The offline copy (sw.js), over http(s) only; resolves once it is active or after a while. */
async function registerServiceWorker() {
  if (!("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) return;
  try {
    await navigator.serviceWorker.register("sw.js");
    await Promise.race([navigator.serviceWorker.ready, new Promise((r) => setTimeout(r, SW_WAIT_MS))]);
  } catch {
    // The page works without it, only not offline.
  }
}

// ---------------------------------------------------------------- choosing files

const awaitingContent = () => state.needsContent && !state.contentFile;

function renderDropzone() {
  $("dropzone-text").textContent = t(awaitingContent() ? "dropzone_content" : "dropzone_signature");
}

/** Shows `file` in a file input too, where the browser allows it (a dropped file). */
function reflect(input, file) {
  try {
    const list = new DataTransfer();
    if (file) list.items.add(file);
    input.files = list.files;
  } catch {
    input.value = "";
  }
}

function chooseSignature(file, content = null) {
  state.signatureFile = file;
  state.contentFile = content;
  state.needsContent = false;
  state.lastOptions = {};
  reflect($("content-input"), content);
  $("content-step").hidden = true;
  $("verify").disabled = false;
  renderDropzone();
  verify();
}

function chooseContent(file) {
  state.contentFile = file;
  reflect($("content-input"), file);
  renderDropzone();
  if (state.signatureFile) verify();
}

/** Files dropped or picked together: which is the signature, which the signed document. */
function takeFiles(files) {
  if (files.length === 0) return;
  if (files.length === 1) {
    if (awaitingContent()) chooseContent(files[0]);
    else {
      reflect($("signature-input"), files[0]);
      chooseSignature(files[0]);
    }
    return;
  }
  const signature = files.find((f) => SIGNATURE_NAME.test(f.name)) ??
    files.reduce((a, b) => (b.size < a.size ? b : a));
  reflect($("signature-input"), signature);
  chooseSignature(signature, files.find((f) => f !== signature) ?? null);
}

function openPicker() {
  $(awaitingContent() ? "content-input" : "signature-input").click();
}

// ---------------------------------------------------------------- verifying

function revocationChoice() {
  return $("revocation-skip").checked ? "skip" : "offline";
}

/** A trust anchor file: PEM as text, anything else as DER bytes. */
async function certificateInput(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  return text.includes("-----BEGIN ") ? text : bytes;
}

async function trustAnchors() {
  const anchors = [];
  const demo = $("demo-root").checked && state.demoRoot !== null;
  if (demo) anchors.push(state.demoRoot);
  for (const file of $("trust-input").files) {
    const anchor = await certificateInput(file);
    checkAnchor(anchor, file.name);
    anchors.push(anchor);
  }
  return { anchors, demo };
}

/** A trust anchor file that is no certificate is named, not blamed on the signed file. */
function checkAnchor(anchor, name) {
  if (typeof state.imza.parseCertificate !== "function") return;
  try {
    state.imza.parseCertificate(anchor);
  } catch (e) {
    throw Object.assign(new Error(e?.message ?? String(e)), { trustFile: name, code: e?.code });
  }
}

function current(run) {
  if (run !== state.run) throw STALE;
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

function begin() {
  setState("working");
  state.error = null;
  state.result = null;
  renderError();
  renderResult(false);
}

/** Verifies the chosen signature file with the settings shown; `withoutContent` for a
 * detached signature checked without its document (SIGNED_DATA_NOT_FOUND). */
async function verify({ withoutContent = false } = {}) {
  state.lastOptions = { withoutContent };
  if (!state.imza || !state.signatureFile) return;
  const run = ++state.run;
  const signatureFile = state.signatureFile;
  const contentFile = withoutContent ? null : state.contentFile;
  let verifier = null;
  begin();
  try {
    setStatus("status_reading", { name: signatureFile.name });
    showProgress("busy");
    const signature = new Uint8Array(await signatureFile.arrayBuffer());
    const { anchors, demo } = await trustAnchors();
    current(run);
    const revocation = revocationChoice();
    verifier = new state.imza.DocumentVerifier(signature, { trust: anchors, revocation });
    const context = {
      signatureName: signatureFile.name, contentName: null, ignoredContent: null,
      trustCount: anchors.length, demo, revocation,
    };
    state.needsContent = verifier.needsContent;
    if (state.needsContent) $("content-step").hidden = false;
    if (state.needsContent && contentFile) {
      await hashContent(verifier, contentFile, run);
      context.contentName = contentFile.name;
    } else if (state.needsContent && !withoutContent) {
      askForContent();
      return;
    } else if (!state.needsContent && contentFile) {
      context.ignoredContent = contentFile.name;
    }
    setStatus("status_validating");
    showProgress("busy");
    await nextTask(); // paint the status before the (synchronous) validation
    current(run);
    const spent = verifier;
    verifier = null; // finish() frees it
    const report = await spent.finish();
    current(run);
    showResult(report, context);
  } catch (e) {
    if (e !== STALE) fail(e);
  } finally {
    verifier?.free();
  }
}

/** Streams `file` into the verifier: constant memory, a repaint every YIELD_EVERY bytes. */
async function hashContent(verifier, file, run) {
  let sinceYield = 0;
  let lastStatus = 0;
  const progress = () => {
    showProgress(verifier.bytesHashed, file.size);
    if (Date.now() - lastStatus < STATUS_EVERY_MS) return;
    lastStatus = Date.now();
    const fraction = file.size > 0 ? verifier.bytesHashed / file.size : 1;
    setStatus("status_hashing", {
      percent: () => percent(fraction), done: () => size(verifier.bytesHashed), total: () => size(file.size),
    });
  };
  progress();
  // The package's reader: one reused buffer, so memory stays flat on a 2 GB file.
  for await (const chunk of state.imza.chunks(file)) {
    current(run);
    verifier.update(chunk);
    sinceYield += chunk.byteLength;
    showProgress(verifier.bytesHashed, file.size);
    if (sinceYield >= YIELD_EVERY) {
      sinceYield = 0;
      progress();
      await nextTask();
      current(run);
    }
  }
  showProgress(file.size, file.size);
}

function askForContent() {
  $("content-step").hidden = false;
  showProgress(null);
  renderDropzone();
  setStatus("status_needs_content");
  setState("needs-content");
}

function showResult(report, context) {
  showProgress(null);
  state.result = { report, context };
  renderDropzone();
  renderResult(true);
  setStatus("status_done", { verdict: () => t(`word_${report.indication}`) });
  setState("done");
}

function fail(e) {
  showProgress(null);
  state.error = errorInfo(e);
  renderError();
  setStatus("status_error");
  setState("error");
}

/** What to say about a thrown value. */
function errorInfo(e) {
  if (e?.trustFile) return { key: "error_trust", vars: { name: e.trustFile }, code: e.code, detail: e.message };
  if (e?.name === "ImzaError" && typeof e.code === "number") {
    const key = `error_${e.code}` in STRINGS.en ? `error_${e.code}` : "error_generic";
    return { key, code: e.code, detail: e.message };
  }
  if (e?.name === "NotReadableError" || e?.name === "NotFoundError") return { key: "error_read", detail: e.message };
  return { key: "error_generic", detail: String(e?.message ?? e) };
}

function renderError() {
  const box = $("error");
  const error = state.error;
  box.replaceChildren();
  delete box.dataset.code;
  if (!error) return;
  const hasCode = typeof error.code === "number";
  if (hasCode) box.dataset.code = String(error.code);
  const technical = hasCode ? `ImzaError ${error.code}: ${error.detail}` : error.detail;
  box.append(
    el("p", { class: "error-message" }, el("span", { class: "icon", "aria-hidden": "true" }, "!"), " ", t(error.key, error.vars)),
    technical ? el("details", {}, el("summary", {}, t("error_details")), el("p", { lang: "en" }, el("code", {}, technical))) : null,
  );
}

// ---------------------------------------------------------------- the report

const tone = (indication) => TONE[indication] ?? "indeterminate";

/** The verdict as the CLI prints it: "TOTAL_FAILED / HASH_FAILURE". */
function etsi(indication, sub) {
  return sub ? `${indication} / ${sub}` : indication;
}

/** "S-1: TOTAL_FAILED / HASH_FAILURE (CAdES-BASELINE-B)", the CLI's verdict line. */
function cliLine(sig) {
  return `${sig.id}: ${etsi(sig.indication, sig.sub_indication)} (${sig.level})`;
}

/** The verdict word with its icon: never colour alone. */
function badge(indication) {
  const kind = tone(indication);
  return el("span", { class: `badge ${kind}` },
    el("span", { class: "icon", "aria-hidden": "true" }, ICON[kind]), " ",
    el("strong", {}, t(`word_${indication}`)));
}

function renderResult(focus) {
  const box = $("result");
  if (!state.result) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const { report, context } = state.result;
  box.replaceChildren(
    el("h2", { id: "result-heading", tabindex: "-1", "aria-describedby": "verdict" }, t("result_heading")),
    overallVerdict(report),
    notes(context),
    runFacts(report, context),
    ...report.signatures.map((sig) => signatureSection(sig, context, 3, false)),
  );
  box.hidden = false;
  if (focus) $("result-heading").focus();
}

function overallVerdict(report) {
  const sentence = report.signatures.length ? t(`overall_${report.indication}`) : t("no_signatures");
  return el("p", {
    id: "verdict", class: `verdict ${tone(report.indication)}`,
    "data-indication": report.indication, "data-sub-indication": report.sub_indication ?? "",
  }, badge(report.indication), " ", el("span", { class: "sentence" }, sentence), " ",
  el("code", { class: "etsi" }, etsi(report.indication, report.sub_indication)));
}

/** What the reader chose that shapes the verdict: no trust anchor, the demo root, no revocation. */
function notes(context) {
  const items = [];
  if (context.trustCount === 0) items.push(["no-trust", t("note_no_trust")]);
  if (context.demo) items.push(["demo-root", t("note_demo_root")]);
  if (context.revocation === "skip") items.push(["revocation-skipped", t("note_revocation_skipped")]);
  if (context.ignoredContent) items.push(["content-ignored", t("note_content_ignored", { name: context.ignoredContent })]);
  if (items.length === 0) return null;
  return el("ul", { class: "notes" }, items.map(([id, text]) => el("li", { "data-note": id }, text)));
}

function runFacts(report, context) {
  return el("dl", { class: "facts run" },
    fact(t("files_signature"), el("span", { class: "filename" }, context.signatureName)),
    context.contentName ? fact(t("files_content"), el("span", { class: "filename" }, context.contentName)) : null,
    fact(t("validation_time"), time(report.validation_time)));
}

function fact(term, ...details) {
  return el("div", { class: "fact" }, el("dt", {}, term), el("dd", {}, details));
}

/** One signature (or counter-signature), headings from `level` down. */
function signatureSection(sig, context, level, counter) {
  const h = (n) => `h${Math.min(n, 6)}`;
  const headingId = `signature-${sig.id}`;
  const who = sig.signer ? commonName(sig.signer.subject) : t("signer_unknown");
  const title = t(counter ? "counter_signature_heading_id" : "signature_heading_id", { id: sig.id });
  const sub = (key, body) => (body ? [el(h(level + 1), {}, t(key)), body] : null);
  return el("section", {
    class: counter ? "counter-signature" : "signature", "aria-labelledby": headingId,
    "data-id": sig.id, "data-indication": sig.indication, "data-sub-indication": sig.sub_indication ?? "",
  },
  el(h(level), { id: headingId }, `${title}: `, el("span", { class: "who" }, who)),
  el("p", { class: `verdict ${tone(sig.indication)}` }, badge(sig.indication), " ", el("code", { class: "etsi" }, cliLine(sig))),
  el("p", { class: "reason" }, reason(sig)),
  signatureFacts(sig),
  sub("scope_heading", scopeList(sig, context)),
  sub("chain_heading", chainList(sig.chain ?? [])),
  sub("timestamps_heading", timestampList(sig.timestamps ?? [])),
  sub("revocation_heading", revocationList(sig.revocation ?? [])),
  messages(sig, h(level + 1)),
  sub("counter_signatures_heading", counterSignatures(sig, context, level + 2)));
}

/** The plain sentence for a verdict. */
function reason(sig) {
  if (sig.sub_indication) {
    const key = `sub_${sig.sub_indication}`;
    return key in STRINGS.en ? t(key) : t("sub_unknown", { code: sig.sub_indication });
  }
  return sig.indication === "TOTAL_PASSED" ? t("reason_passed") : "";
}

/** Whether best_signature_time comes from a signature time-stamp that passed. */
function provenByTimestamp(sig) {
  return (sig.timestamps ?? []).some((ts) => ts.kind === "signature" && ts.indication === "TOTAL_PASSED");
}

function signatureFacts(sig) {
  const note = (text) => el("span", { class: "note" }, `(${text})`);
  return el("dl", { class: "facts" },
    fact(t("signer"), signerBlock(sig.signer)),
    fact(t("claimed_time"), sig.claimed_signing_time
      ? [time(sig.claimed_signing_time), " ", note(t("claimed_note"))]
      : t("claimed_none")),
    fact(t("proven_time"), time(sig.best_signature_time), " ",
      note(t(provenByTimestamp(sig) ? "proven_by_timestamp" : "proven_by_validation"))),
    fact(t("level"), el("code", {}, sig.level), sig.legacy_level ? ` (${sig.legacy_level})` : ""),
    fact(t("algorithms"), [sig.digest_algorithm, sig.signature_algorithm].filter(Boolean).join(", ") || "—"));
}

function signerBlock(signer) {
  if (!signer) return t("signer_unknown");
  return el("div", { class: "signer" },
    el("strong", { class: "cn" }, commonName(signer.subject)),
    el("span", { class: "dn", lang: "" }, signer.subject),
    el("span", { class: "meta" },
      `${t("issuer")}: `, el("span", { title: signer.issuer }, commonName(signer.issuer)),
      " · ", `${t("serial")}: `, el("code", {}, signer.serial)));
}

function scopeList(sig, context) {
  const scope = sig.scope ?? [];
  if (scope.length === 0) return null;
  return el("ul", { class: "scope" }, scope.map((s) => {
    const detached = s.name === "detached content";
    const name = detached ? t("scope_detached") : s.name === "attached content" ? t("scope_attached") : s.name;
    const file = detached && context.contentName ? el("span", { class: "filename" }, context.contentName) : null;
    return el("li", {},
      el("strong", {}, name), file ? [": ", file] : null,
      s.length !== null && s.length !== undefined ? ` · ${length(s.length)}` : null,
      s.content_type ? [" · ", el("code", {}, s.content_type)] : null);
  }));
}

function chainList(chain) {
  if (chain.length === 0) return el("p", { class: "empty" }, t("chain_none"));
  const role = (i) => (i === 0 ? "chain_role_leaf" : i === chain.length - 1 ? "chain_role_anchor" : "chain_role_ca");
  return el("ol", { class: "chain" }, chain.map((cert, i) => el("li", {},
    el("span", { class: "role" }, t(role(i))), " ",
    el("strong", {}, commonName(cert.subject)),
    el("span", { class: "dn" }, cert.subject),
    el("span", { class: "meta" },
      tn("chain_validity", { from: time(cert.not_before), to: time(cert.not_after) }),
      " · ", `${t("serial")}: `, el("code", {}, cert.serial)),
    cert.sha256 ? el("details", { class: "fingerprint" },
      el("summary", {}, t("fingerprint")), el("code", {}, cert.sha256)) : null)));
}

function timestampList(timestamps) {
  if (timestamps.length === 0) return null;
  return el("ul", { class: "timestamps" }, timestamps.map((ts) => {
    const kind = `ts_kind_${ts.kind}` in STRINGS.en ? t(`ts_kind_${ts.kind}`) : ts.kind;
    return el("li", { class: "timestamp", "data-kind": ts.kind, "data-indication": ts.indication },
      el("strong", {}, kind),
      el("dl", { class: "facts compact" },
        fact(t("ts_time"), time(ts.gen_time)),
        fact(t("ts_tsa"), ts.tsa ? el("span", { title: ts.tsa }, commonName(ts.tsa)) : "—"),
        fact(t("ts_result"), ts.checked
          ? [badge(ts.indication), " ", el("code", { class: "etsi" }, etsi(ts.indication, ts.sub_indication))]
          : t("ts_not_checked"))),
      messageLists(ts.errors, ts.warnings, "p"));
  }));
}

function revocationList(evidence) {
  if (evidence.length === 0) return null;
  return el("ul", { class: "revocation" }, evidence.map((r) => {
    const status = r.status?.status ?? "unknown";
    const word = `rev_${status}` in STRINGS.en ? t(`rev_${status}`) : status;
    const source = r.source ?? {};
    return el("li", { "data-status": status },
      el("strong", {}, commonName(r.subject)), ": ", el("span", { class: `rev ${status}` }, word),
      r.status?.revocation_time ? [" ", time(r.status.revocation_time)] : null,
      source.kind ? [" · ", tn("rev_source", { kind: String(source.kind).toUpperCase(), time: time(source.this_update) })] : null,
      r.conflict ? [" · ", el("em", {}, t("rev_conflict"))] : null);
  }));
}

/** The validator's errors and warnings, as it wrote them (English). */
function messages(sig, heading) {
  return messageLists(sig.errors, sig.warnings, heading);
}

function messageLists(errors = [], warnings = [], heading = "h4") {
  const list = (key, items, kind) => (items.length === 0 ? null : el("div", { class: `messages ${kind}` },
    heading === "p" ? el("p", { class: "label" }, el("strong", {}, t(key))) : el(heading, {}, t(key)),
    el("ul", { lang: "en" }, items.map((m) => el("li", {}, m)))));
  if (errors.length === 0 && warnings.length === 0) return null;
  return [
    list("errors_heading", errors, "errors"),
    list("warnings_heading", warnings, "warnings"),
    el("p", { class: "note" }, t("messages_note")),
  ];
}

function counterSignatures(sig, context, level) {
  const counters = sig.counter_signatures ?? [];
  if (counters.length === 0) return null;
  return el("div", { class: "counters" }, counters.map((c) => signatureSection(c, context, level, true)));
}

// ---------------------------------------------------------------- events

function bindEvents() {
  $("language").addEventListener("change", (e) => {
    storage("set", e.target.value);
    setLanguage(e.target.value);
  });
  $("signature-input").addEventListener("change", (e) => {
    if (e.target.files.length) chooseSignature(e.target.files[0]);
  });
  $("content-input").addEventListener("change", (e) => {
    if (e.target.files.length) chooseContent(e.target.files[0]);
  });
  $("skip-content").addEventListener("click", () => verify({ withoutContent: true }));
  $("verify").addEventListener("click", () => verify(state.lastOptions));
  for (const id of ["trust-input", "demo-root", "revocation-offline", "revocation-skip"]) {
    $(id).addEventListener("change", settingsChanged);
  }
  bindDropzone();
}

/** A new setting re-checks the file shown, as it was checked. */
function settingsChanged() {
  if (state.signatureFile) verify(state.lastOptions);
}

function bindDropzone() {
  const zone = $("dropzone");
  zone.addEventListener("click", openPicker);
  zone.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      openPicker();
    }
  });
  const isFileInput = (target) => target instanceof HTMLInputElement && target.type === "file";
  // Files may be dropped anywhere on the page (except onto a file input, which takes them
  // itself); the browser must not open them instead.
  window.addEventListener("dragover", (e) => {
    if (isFileInput(e.target)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    zone.classList.add("dragging");
  });
  window.addEventListener("dragleave", (e) => {
    if (e.relatedTarget === null) zone.classList.remove("dragging");
  });
  window.addEventListener("drop", (e) => {
    zone.classList.remove("dragging");
    if (isFileInput(e.target)) return;
    e.preventDefault();
    takeFiles(Array.from(e.dataTransfer?.files ?? []));
  });
}

async function main() {
  $("boot-notice").remove();
  setState("loading");
  bindEvents();
  setLanguage(initialLanguage());
  setStatus("status_loading");
  const [loaded] = await Promise.all([loadModule(), loadDemoRoot()]);
  if (!loaded) {
    setStatus(null);
    setState("error");
    return;
  }
  await registerServiceWorker();
  setStatus("status_ready");
  setState("ready");
  if (state.signatureFile) verify(); // chosen while loading
}

main();
