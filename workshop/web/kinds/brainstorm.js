/* brainstorm: each person adds up to `max_per_person` ideas, and may edit or
 * withdraw their own; the result is the board, grouped into the facilitator's
 * themes. */

import { h } from "../dom.js";
import { num, plural, pluralx, t } from "../i18n.js";
import { act } from "../net.js";
import { chip, sides } from "../sides.js";
import { S } from "../state.js";
import { clearDraft, slot, textForm, withBusy } from "../ui.js";

export const name = "brainstorm";
export const labels = { done: "added" };

/** The id of the idea being edited in place, if any. */
let editing = null;

export function input(ex, mine) {
  const cfg = ex.config;
  const left = typeof mine.left === "number" ? mine.left : cfg.max_per_person;
  const ideas = mine.ideas || [];
  const key = `idea:${ex.id}`;
  return [
    h("p", { class: "counter-big", "data-key": "left" }, pluralx(left, "brainstorm.left", null, h("strong", null, num(left)))),
    left > 0
      ? textForm({ key, label: t("brainstorm.label"), placeholder: t("brainstorm.placeholder"), multiline: true, max: cfg.max_length, submit: "idea", button: t("button.add") })
      : h("p", { class: "note info", "data-key": "full" }, t("brainstorm.full", { ideas: plural(typeof mine.cap === "number" ? mine.cap : cfg.max_per_person, "idea") })),
    ideas.length ? h("h2", { "data-key": "mine-h" }, t("brainstorm.mine")) : null,
    ideas.length
      ? h(
          "ul",
          { class: "list", "data-key": "mine" },
          ideas.map((idea) => ideaRow(ex, idea)),
        )
      : null,
  ];
}

function ideaRow(ex, idea) {
  const key = `ideaedit:${idea.id}`;
  const withdrawKey = `withdraw:${idea.id}`;
  const confirming = S.confirming && S.confirming.key === withdrawKey;
  const flags = [];
  if (idea.hidden) flags.push(h("span", { class: "badge" }, t("brainstorm.hidden")));
  if (idea.merged) flags.push(h("span", { class: "badge" }, t("brainstorm.merged")));
  if (editing === idea.id) {
    return h(
      "li",
      { class: "card idea editing", "data-key": `li:${idea.id}` },
      textForm({ key, label: t("brainstorm.edit-label"), multiline: true, max: ex.config.max_length, submit: "edit", button: t("button.save") }),
      h("div", { class: "row-actions" }, h("button", { type: "button", class: "ghost", "data-act": "cancel-edit" }, t("button.cancel"))),
    );
  }
  return h(
    "li",
    { class: "card idea", "data-key": `li:${idea.id}` },
    h("p", { class: "idea-text" }, idea.text),
    flags.length ? h("p", { class: "flags" }, flags) : null,
    h(
      "div",
      { class: "row-actions" },
      h("button", { type: "button", class: "ghost", "data-act": "edit", "data-idea": idea.id, "aria-label": t("brainstorm.edit-aria", { idea: idea.text }) }, t("brainstorm.edit")),
      h(
        "button",
        withBusy({ type: "button", class: "ghost danger" + (confirming ? " confirm" : ""), "data-act": "withdraw", "data-idea": idea.id, "aria-label": t(confirming ? "brainstorm.confirm-aria" : "brainstorm.withdraw-aria", { idea: idea.text }) }, withdrawKey),
        t(confirming ? "brainstorm.confirm" : "brainstorm.withdraw"),
      ),
    ),
    slot(withdrawKey),
  );
}

export function results(res) {
  const byId = new Map(res.ideas.map((i) => [i.id, i]));
  const grouped = new Set();
  const groups = res.themes.map((theme) => {
    theme.ideas.forEach((id) => grouped.add(id));
    return h(
      "div",
      { class: "theme", "data-key": `theme:${theme.id}` },
      h("h3", null, theme.name, h("span", { class: "muted" }, ` · ${plural(theme.ideas.length, "idea")}`)),
      h("ul", { class: "board" }, theme.ideas.map((id) => byId.get(id)).filter(Boolean).map(ideaCard)),
    );
  });
  const loose = res.ideas.filter((i) => !grouped.has(i.id));
  if (loose.length) {
    groups.push(
      h(
        "div",
        { class: "theme", "data-key": "theme:none" },
        res.themes.length ? h("h3", null, t("brainstorm.ungrouped")) : null,
        h("ul", { class: "board" }, loose.map(ideaCard)),
      ),
    );
  }
  const counts = sides()
    .filter((s) => res.by_side[s.id])
    .map((s) => `${s.label} ${num(res.by_side[s.id])}`)
    .join(" · ");
  const ideas = plural(res.ideas.length + (res.ideas_more || 0), "idea");
  const board = res.ideas_more ? t("brainstorm.board-newest", { ideas, shown: res.ideas.length }) : t("brainstorm.board", { ideas });
  return [h("p", { class: "muted small", "data-key": "res:count" }, `${board}${counts ? " · " + counts : ""}`)].concat(
    groups.length ? groups : [h("p", { class: "muted", "data-key": "res:empty" }, t("brainstorm.empty"))],
  );
}

function ideaCard(idea) {
  // Your own ideas are marked on the board (only on your phone: the room sends no authors).
  const yours = ((S.mine && S.mine.ideas) || []).some((i) => i.id === idea.id);
  return h(
    "li",
    { class: "idea-card" + (yours ? " yours" : ""), "data-key": `board:${idea.id}` },
    h("span", { class: "idea-text" }, idea.text),
    h(
      "span",
      { class: "idea-meta" },
      yours ? h("span", { class: "chip you" }, t("side.you")) : null,
      idea.side ? chip(idea.side) : idea.by_facilitator ? h("span", { class: "chip sx" }, t("side.facilitator")) : null,
      idea.merged ? h("span", { class: "muted small" }, ` ${t("brainstorm.similar", { n: idea.merged })}`) : null,
    ),
  );
}

export const actions = {
  edit(el) {
    const idea = ((S.mine && S.mine.ideas) || []).find((i) => i.id === el.dataset.idea);
    if (!idea) return;
    editing = idea.id;
    S.drafts.set(`ideaedit:${idea.id}`, idea.text);
    S.focusNext = `ideaedit:${idea.id}`;
  },
  "cancel-edit"() {
    if (editing) S.drafts.delete(`ideaedit:${editing}`);
    editing = null;
  },
  withdraw(el, ex) {
    const key = `withdraw:${el.dataset.idea}`;
    if (!(S.confirming && S.confirming.key === key)) {
      S.confirming = { key, until: Date.now() + 4000 };
      return;
    }
    S.confirming = null;
    act({ type: "withdraw_idea", exercise: ex.id, idea: el.dataset.idea }, key);
  },
};

export const submits = {
  idea(form, ex) {
    const key = `idea:${ex.id}`;
    const text = (S.drafts.get(key) || "").trim();
    if (!text) return;
    act({ type: "submit_idea", exercise: ex.id, text }, key, {
      onAck() {
        if ((S.drafts.get(key) || "").trim() === text) clearDraft(key);
      },
    });
  },
  edit(form, ex) {
    const idea = editing;
    const key = `ideaedit:${idea}`;
    const text = (S.drafts.get(key) || "").trim();
    if (!idea || !text) return;
    act({ type: "edit_idea", exercise: ex.id, idea, text }, key, {
      onAck() {
        if (editing === idea) editing = null;
        S.drafts.delete(key);
      },
    });
  },
};
