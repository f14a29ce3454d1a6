/* Controls shared by the core and the kinds: choice buttons, text forms, the
 * message line under a control group, and the toast.
 *
 * A control group has a `key` (`rate:i1`, `idea:ex3`): a refusal for a command
 * sent from it shows in its `slot`, and `withBusy` marks the exact button whose
 * command is waiting for its answer.
 */

import { h } from "./dom.js";
import { num, plural } from "./i18n.js";
import { S, NOTE_MS, busy } from "./state.js";

export function range(from, to) {
  const out = [];
  for (let i = from; i <= to; i += 1) out.push(i);
  return out;
}

/** "+ 4 earlier comments not shown": what a summarised view left out (see views.fit);
 *  `what` names the catalogue's sentence (`more.comments`, `more.answers`). */
export function more(n, what) {
  return n ? h("p", { class: "muted small" }, plural(n, `more.${what}`)) : null;
}

/** "3 of 8 have voted": how many took part, in the kind's own words (its
 *  `labels.done` names the catalogue's `done.<verb>` sentences). */
export function doneLine(kind, done, present) {
  return plural(done, `done.${kind ? kind.labels.done : "answered"}`, { present });
}

/** The always-present message line under a control group (a live region). */
export function slot(key) {
  const n = S.notes.get(key);
  return h("p", { class: "note" + (n ? " " + n.tone : ""), "data-key": "note:" + key, "aria-live": "polite" }, n ? n.text : "");
}

let toastTimer = 0;
/** A message for the whole page, for what has no control to sit under. */
export function toast(text) {
  const el = document.getElementById("toast");
  el.textContent = text;
  el.hidden = false;
  window.clearTimeout(toastTimer);
  toastTimer = window.setTimeout(() => {
    el.hidden = true;
    el.textContent = "";
  }, NOTE_MS);
}

export function choiceButton(label, on, attrs) {
  return h("button", Object.assign({ type: "button", class: "pick" + (on ? " on" : ""), "aria-pressed": on ? "true" : "false" }, attrs), label);
}

/** Mark a button as waiting while a command marked `mark` is pending. */
export function withBusy(attrs, mark) {
  if (busy(mark)) {
    attrs.class = (attrs.class || "") + " busy";
    attrs["aria-busy"] = "true";
  }
  return attrs;
}

/**
 * A text field with its label, a count against `max`, a send button and the
 * message slot. The typed text lives in `S.drafts` under `key`.
 * opts: {key, label, placeholder, multiline, max, submit, button, disabled, hint}
 */
export function textForm(opts) {
  const draft = S.drafts.get(opts.key) || "";
  const id = "f-" + opts.key.replace(/[^A-Za-z0-9_-]/g, "-");
  const over = opts.max && draft.trim().length > opts.max;
  const field = h(opts.multiline ? "textarea" : "input", {
    id,
    type: opts.multiline ? null : "text",
    rows: opts.multiline ? "3" : null,
    "data-draft": opts.key,
    placeholder: opts.placeholder || null,
    "aria-describedby": opts.max ? id + "-count" : null,
    "aria-invalid": over ? "true" : null,
    enterkeyhint: "send",
    value: draft,
  });
  const sending = busy(opts.key);
  return h(
    "form",
    { class: "text-form", "data-submit": opts.submit, "data-key": "form:" + opts.key, novalidate: true },
    h("label", { for: id, class: "field-label" }, opts.label),
    field,
    h(
      "div",
      { class: "form-row" },
      opts.max ? h("span", { class: "count" + (over ? " over" : ""), id: id + "-count" }, `${num(draft.trim().length)} / ${num(opts.max)}`) : h("span", null, opts.hint || ""),
      h(
        "button",
        withBusy({ type: "submit", class: "primary", disabled: opts.disabled || !draft.trim() || over || sending }, opts.key),
        opts.button,
      ),
    ),
    slot(opts.key),
  );
}

/** Empty a text field even if it has focus (the morph leaves focused fields alone). */
export function clearDraft(key) {
  S.drafts.set(key, "");
  const el = document.querySelector(`[data-draft="${CSS.escape(key)}"]`);
  if (el) el.value = "";
}
