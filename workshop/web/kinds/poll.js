/* poll: each person picks one option (or several when `multi`), maybe with an
 * answer of their own when `other`. Every tap sends the whole answer at once (one
 * save model for every kind: the core says "Saved ✓"); an answer of one's own is
 * sent with its Send button. The result counts each option per side and lists the
 * other answers. */

import { h } from "../dom.js";
import { itemText, num, pct, plural, t } from "../i18n.js";
import { act } from "../net.js";
import { chip, flagLine, sideLabel, stacked } from "../sides.js";
import { S, busy, localFor } from "../state.js";
import { choiceButton, more, slot, withBusy } from "../ui.js";

export const name = "poll";
export const labels = { done: "answered" };

/** The answer being put together here: what was sent, until this person changes it. */
function state(ex, mine) {
  const local = localFor("poll", ex.id);
  if (!local.dirty) {
    local.items = (mine.picked || []).slice();
    local.otherOn = Boolean(mine.other);
    S.drafts.set(`other:${ex.id}`, mine.other || "");
  }
  return local;
}

/** A toggle in a multiple-choice poll, a radio in a single-choice one. */
function option(cfg, label, on, attrs) {
  const button = choiceButton(label, on, Object.assign({ class: "pick option" + (on ? " on" : "") }, attrs));
  if (!cfg.multi) {
    button.removeAttribute("aria-pressed");
    button.setAttribute("role", "radio");
    button.setAttribute("aria-checked", on ? "true" : "false");
  }
  return button;
}

export function input(ex, mine) {
  const cfg = ex.config;
  const local = state(ex, mine);
  const key = `poll:${ex.id}`;
  const answered = (mine.picked && mine.picked.length) || mine.other;
  const out = [
    h("p", { class: "muted", "data-key": "how", id: "poll-how" }, t(cfg.multi ? "poll.how-multi" : "poll.how-single")),
    h(
      "div",
      { class: "options" + (cfg.multi ? "" : " single"), role: cfg.multi ? "group" : "radiogroup", "aria-labelledby": "poll-how", "data-key": "options" },
      ex.items.map((item) => option(cfg, item.text, local.items.includes(item.id), { "data-act": "poll-toggle", "data-item": item.id, "data-key": `opt:${item.id}` })),
      cfg.other ? option(cfg, t("poll.other"), local.otherOn, { "data-act": "poll-other", "data-key": "opt:other" }) : null,
    ),
  ];
  if (cfg.other && local.otherOn) {
    const okey = `other:${ex.id}`;
    out.push(
      h(
        "div",
        { class: "text-form", "data-key": "other" },
        h("label", { for: "f-other", class: "field-label" }, t("poll.other-label")),
        h("input", { id: "f-other", type: "text", maxlength: "280", "data-draft": okey, "data-poll": ex.id, value: S.drafts.get(okey) || "" }),
      ),
    );
  }
  if (cfg.other && local.otherOn) {
    // Typing is not a tap: one's own answer goes with its button.
    out.push(
      h(
        "div",
        { class: "submit-row", "data-key": "submit" },
        h("span", { class: "muted small" }, local.dirty ? t("poll.unsent") : answered ? t("poll.saved") : ""),
        h("button", withBusy({ type: "button", class: "primary", "data-act": "poll-submit", disabled: !local.dirty || busy(key) }, key), t("button.send")),
      ),
    );
  }
  out.push(slot(key));
  return out;
}

export function results(res, ex) {
  const top = Math.max(1, ...res.options.map((o) => o.total));
  return [
    h("p", { class: "muted small", "data-key": "res:n" }, t("poll.summary", { people: plural(res.respondents, "people") })),
    res.options.map((o) =>
      h(
        "div",
        { class: "card", "data-key": `res:${o.item}` },
        h("p", { class: "q split" }, h("span", null, itemText(ex, o.item, o.text)), h("span", { class: "total" }, num(o.total))),
        stacked(o.by_side, top, t("poll.nobody"), o.total),
        flagLine(o, (a, b) => flag(o, a, b)),
      ),
    ),
    res.other.length
      ? h(
          "div",
          { class: "card", "data-key": "res:other" },
          h("p", { class: "q" }, t("poll.other-answers")),
          h("ul", { class: "board" }, res.other.map((a, i) => h("li", { class: "idea-card", "data-key": `other:${i}` }, h("span", { class: "idea-text" }, a.text), h("span", { class: "idea-meta" }, a.side ? chip(a.side) : null)))),
          more(res.other_more, "answers"),
        )
      : null,
  ];
}

/** "picked by 0% of IT, 75% of Marketing", from each side's share of its own people. */
function flag(row, a, b) {
  const [pa, pb] = [row.share && row.share[a], row.share && row.share[b]];
  if (typeof pa !== "number" || typeof pb !== "number") return null;
  return t("poll.flag", { a: sideLabel(a), pa: pct(pa), b: sideLabel(b), pb: pct(pb) });
}

export const actions = {
  "poll-toggle"(el, ex) {
    const local = localFor("poll", ex.id);
    const item = el.dataset.item;
    const on = local.items.includes(item);
    if (ex.config.multi) {
      local.items = on ? local.items.filter((i) => i !== item) : local.items.concat([item]);
    } else {
      local.items = on ? [] : [item];
      if (!on) local.otherOn = false;
    }
    send(ex, local);
  },
  "poll-other"(el, ex) {
    const local = localFor("poll", ex.id);
    local.otherOn = !local.otherOn;
    if (local.otherOn && !ex.config.multi) local.items = [];
    if (local.otherOn) {
      S.focusNext = `other:${ex.id}`;
      local.dirty = true; // sent once something is typed, with its button
    } else {
      send(ex, local);
    }
  },
  "poll-submit"(el, ex) {
    send(ex, localFor("poll", ex.id));
  },
};

/** The whole answer as it stands now: the picks and, when on, the typed answer. */
function send(ex, local) {
  const other = local.otherOn ? (S.drafts.get(`other:${ex.id}`) || "").trim() : "";
  local.dirty = true;
  act({ type: "pick", exercise: ex.id, items: local.items.slice(), other }, `poll:${ex.id}`, {
    onAck() {
      local.dirty = false;
    },
  });
}

/** Typing an answer of one's own changes the answer (the core keeps the text). */
export function onInput(el) {
  if (!el.dataset.poll) return false;
  localFor("poll", el.dataset.poll).dirty = true;
  return true;
}
