/* Common Ground — the participants' phone page. This module starts it.
 *
 * Plain JavaScript modules, no framework, no build step, no network but this
 * page's own websocket. What a reader must know:
 *
 * - The page is served over plain http on a LAN address: an insecure context.
 *   Nothing here may rely on APIs that need a secure one (crypto.randomUUID,
 *   clipboard, service workers). Command ids come from crypto.getRandomValues.
 * - The server owns every rule; the page shows what it decided (net.js).
 * - Participant text only ever reaches the page through text nodes (dom.js `h`):
 *   no innerHTML, no eval, no inline handlers (the CSP forbids them anyway).
 * - Rendering builds a fresh tree and morphs the live one into it, so a text
 *   field being typed in keeps its focus, caret and text. Event handlers are
 *   delegated from the document through `data-act` / `data-submit` /
 *   `data-draft` attributes, which is what lets the morph keep old nodes.
 *
 * The modules: this one draws the screens that are the same for every kind
 * (no room code, joining, waiting, the exercise's frame, the published agenda)
 * and routes events; kinds/<kind>.js draws and handles one activity kind
 * (registered in kinds/index.js); net.js is the connection, state.js what the
 * page knows, dom.js `h` and the morph, ui.js and sides.js the shared controls
 * and charts, i18n.js the words (the page starts once its catalogue is in) and
 * the numbers' formats. Every word on the page comes through `t`;
 * the exercise reaches the kinds `localise`d, in the template's own
 * translation for the page's language where it has one.
 */

import { h, morphChildren } from "./dom.js";
import { LANGUAGES, language, localise, plural, ready, say, t, useLanguage } from "./i18n.js";
import { KINDS } from "./kinds/index.js";
import { act, join, keepAlive, redrawWith, start } from "./net.js";
import { S, NAME_KEY, busy, storageGet, storageSet } from "./state.js";
import { sideClass, sideLabel, sides, withheldText } from "./sides.js";
import { doneLine, slot, toast, withBusy } from "./ui.js";

// ------------------------------------------------------------------ drawing

function render() {
  renderBar();
  const app = document.getElementById("app");
  const next = h("main", null, screen());
  const before = S.screenKey;
  morphChildren(app, next);
  rovingTabStops(app);
  announceResults();
  const first = app.firstElementChild;
  S.screenKey = first ? first.dataset.key || "" : "";
  if (S.screenKey !== before) {
    window.scrollTo(0, 0);
    const heading = app.querySelector("h1");
    if (heading && (!document.activeElement || document.activeElement === document.body)) heading.focus({ preventScroll: true });
  }
  if (S.focusNext) {
    const el = app.querySelector(`[data-draft="${CSS.escape(S.focusNext)}"]`);
    S.focusNext = null;
    if (el) {
      el.focus();
      el.setSelectionRange(el.value.length, el.value.length);
    }
  }
}

function renderBar() {
  const conn = document.getElementById("conn");
  conn.dataset.state = S.conn;
  const text = ["connecting", "connected", "reconnecting", "offline", "closed"].includes(S.conn) ? t(`conn.${S.conn}`) : S.conn;
  const textEl = document.getElementById("conn-text");
  if (textEl.textContent !== text) textEl.textContent = text;
  const title = document.getElementById("bar-title");
  const who = S.me
    ? [h("span", { class: "who" }, S.me.name || t("bar.anonymous")), h("span", { class: "side" }, ` · ${sideLabel(S.me.side)}`)]
    : [h("span", { class: "who" }, (S.header && S.header.title) || t("app.name"))];
  morphChildren(title, h("p", null, who));
  const change = document.getElementById("change-me");
  change.hidden = !(S.me && S.joined);
  change.setAttribute("aria-expanded", S.profileOpen ? "true" : "false");
  if (change.textContent !== t("profile.change")) change.textContent = t("profile.change");
  const banner = document.getElementById("conn-banner");
  const away = S.everConnected && (S.conn === "reconnecting" || S.conn === "offline");
  banner.hidden = !away;
  const bannerText = S.conn === "offline" ? t("conn.banner.offline") : t("conn.banner.lost");
  if (away && banner.textContent !== bannerText) banner.textContent = bannerText;
}

// ------------------------------------------------------------------ screens

function screen() {
  if (!S.code) {
    return h(
      "section",
      { class: "screen", "data-key": "screen:nocode" },
      h("h1", { tabindex: "-1" }, t("app.name")),
      h("p", { class: "lead" }, t("nocode.lead")),
      h("p", { class: "muted" }, t("nocode.hint")),
    );
  }
  if (S.fatal) {
    return h("section", { class: "screen", "data-key": "screen:fatal" }, h("h1", { tabindex: "-1" }, t("fatal.title")), h("p", { class: "lead" }, S.fatal));
  }
  if (!S.header) {
    return h(
      "section",
      { class: "screen", "data-key": "screen:connecting" },
      h("h1", { tabindex: "-1" }, t("app.name")),
      h("p", { class: "lead" }, S.conn === "connecting" ? t("connecting.first") : t("connecting.again")),
      S.conn !== "connecting" ? h("p", { class: "muted" }, t("connecting.hint")) : null,
    );
  }
  if (!S.joined) return joinScreen();
  if (S.profileOpen && S.me) return profileScreen();
  if (!S.room) {
    return h("section", { class: "screen", "data-key": "screen:loading" }, h("h1", { tabindex: "-1" }, S.header.title), h("p", { class: "lead" }, t("loading.lead")));
  }
  return exerciseScreen(S.room);
}

/** The languages as a row of buttons, each named in its own language (and marked
 *  so with `lang`, for a screen reader's voice); the page's own is pressed. */
function languageSwitcher() {
  const now = language();
  return h(
    "div",
    { class: "langs", role: "group", "aria-label": t("language.label"), "data-key": "langs" },
    Object.entries(LANGUAGES).map(([code, name]) =>
      h("button", { type: "button", class: "lang" + (code === now ? " on" : ""), lang: code, "data-act": "lang", "data-lang": code, "aria-pressed": code === now ? "true" : "false" }, name),
    ),
  );
}

function joinScreen() {
  const hd = S.header;
  if (!S.drafts.has("name")) S.drafts.set("name", storageGet(NAME_KEY) || "");
  const joining = Boolean(S.pendingJoin);
  return h(
    "section",
    { class: "screen join", "data-key": "screen:join" },
    languageSwitcher(),
    h("p", { class: "eyebrow" }, t("join.eyebrow")),
    h("h1", { tabindex: "-1" }, hd.title),
    hd.organisation ? h("p", { class: "lead" }, hd.organisation) : null,
    S.joinReason ? h("p", { class: "note info" }, say(S.joinReason)) : null,
    h(
      "form",
      { class: "stack", "data-submit": "none", novalidate: true },
      h("label", { for: "name", class: "field-label" }, t("join.name"), h("span", { class: "muted" }, t("join.optional"))),
      h("input", {
        id: "name",
        type: "text",
        autocomplete: "name",
        maxlength: "40",
        "data-draft": "name",
        placeholder: t("join.placeholder"),
        "aria-describedby": "name-use",
        value: S.drafts.get("name"),
      }),
      h("p", { id: "name-use", class: "name-use muted small", "data-key": "name-use" }, t("join.name-use")),
    ),
    h("h2", { class: "q", id: "side-q" }, t("join.side")),
    h(
      "div",
      { class: "sides", role: "group", "aria-labelledby": "side-q" },
      sides().map((s) =>
        h(
          "button",
          {
            type: "button",
            class: `side-btn ${sideClass(s.id)}` + (joining && S.pendingJoin.frame.side === s.id ? " busy" : ""),
            "data-act": "join",
            "data-side": s.id,
            disabled: joining,
            "aria-busy": joining && S.pendingJoin.frame.side === s.id ? "true" : null,
          },
          s.label,
        ),
      ),
    ),
    slot("join"),
  );
}

/** This person's name and team, changeable: the name at any time, the team until
 *  they first answer (then the server refuses, and the facilitator can move them,
 *  so that one wrong tap does not skew the gap between the teams all day). */
function profileScreen() {
  if (!S.drafts.has("profile-name")) S.drafts.set("profile-name", S.me.name || "");
  if (!S.profileSide) S.profileSide = S.me.side;
  const fixed = Boolean(S.me.answered);
  const sending = busy("profile");
  return h(
    "section",
    { class: "screen profile", "data-key": "screen:profile" },
    h("h1", { tabindex: "-1" }, t("profile.title")),
    S.profileWhy === "champion" ? h("p", { class: "note info", "data-key": "profile-why" }, t("initiatives.name-first")) : null,
    h(
      "form",
      { class: "stack", "data-submit": "none", novalidate: true },
      h("label", { for: "profile-name", class: "field-label" }, t("join.name"), h("span", { class: "muted" }, t("join.optional"))),
      h("input", { id: "profile-name", type: "text", autocomplete: "name", maxlength: "40", "data-draft": "profile-name", value: S.drafts.get("profile-name") }),
    ),
    h("h2", { class: "q", id: "profile-side-q" }, t("join.side")),
    fixed ? h("p", { class: "note info", "data-key": "side-fixed" }, t("profile.side-fixed")) : null,
    h(
      "div",
      { class: "sides", role: "radiogroup", "aria-labelledby": "profile-side-q" },
      sides().map((s) =>
        h(
          "button",
          {
            type: "button",
            role: "radio",
            "aria-checked": S.profileSide === s.id ? "true" : "false",
            class: `side-btn ${sideClass(s.id)}` + (S.profileSide === s.id ? " on" : ""),
            "data-act": "profile-side",
            "data-side": s.id,
            disabled: fixed && s.id !== S.me.side,
          },
          s.label,
        ),
      ),
    ),
    h(
      "div",
      { class: "submit-row" },
      h("button", { type: "button", class: "secondary", "data-act": "profile-cancel" }, t("profile.cancel")),
      h("button", withBusy({ type: "button", class: "primary", "data-act": "profile-save", disabled: sending }, "profile"), t("profile.save")),
    ),
    slot("profile"),
  );
}

function saveProfile() {
  const name = (S.drafts.get("profile-name") || "").trim();
  storageSet(NAME_KEY, name);
  const side = S.profileSide || S.me.side;
  act({ type: "rename", name, side }, "profile", {
    onAck() {
      closeProfile();
      toast(t("profile.saved"));
    },
  });
}

function closeProfile() {
  S.profileOpen = false;
  S.profileWhy = null;
  S.profileSide = null;
  S.drafts.delete("profile-name");
}

/** The published joint agenda: it names people, so the room wants its code. */
function agendaUrl() {
  return `/agenda.html?room=${encodeURIComponent(S.code)}`;
}

function exerciseScreen(room) {
  const ex = localise(room.exercise);
  const kind = KINDS[ex.kind];
  const mine = S.mine && S.mine.exercise === ex.id ? S.mine : {};
  const parts = [];
  if (room.published) {
    parts.push(
      h(
        "div",
        { class: "banner agenda", "data-key": "published" },
        h("p", null, t("agenda.ready")),
        h(
          "p",
          { class: "agenda-links" },
          h("a", { class: "button", href: agendaUrl(), target: "_blank", rel: "noopener" }, t("agenda.open")),
          h("a", { class: "button secondary", href: agendaUrl() + "&download=1", download: "joint-agenda.html" }, t("agenda.download")),
        ),
      ),
    );
  }
  const timer = ex.status === "open" ? timerText(ex.timer) : "";
  parts.push(
    h(
      "div",
      { class: "meta", "data-key": "meta" },
      h("span", { class: "step" }, t("step", { step: room.step, steps: room.steps })),
      timer ? h("span", { class: "timer" + (timerUp(ex.timer) ? " up" : timerLow(ex.timer) ? " low" : ""), role: "timer", "aria-label": t("timer.label"), "data-timer": "" }, timer) : null,
      ex.status === "closed" ? h("span", { class: "timer" }, t("exercise.closed")) : null,
    ),
  );
  if (ex.status === "pending") {
    parts.push(
      h("p", { class: "eyebrow", "data-key": "eyebrow" }, t("pending.eyebrow")),
      h("h1", { tabindex: "-1", "data-key": "title" }, ex.title),
      h("p", { class: "lead", "data-key": "wait" }, t("pending.lead")),
      h("p", { class: "muted", "data-key": "present" }, t("pending.present", { people: plural(room.present, "people") })),
    );
    return h("section", { class: "screen waiting", "data-key": `screen:pending:${ex.id}` }, parts);
  }
  parts.push(
    h("h1", { tabindex: "-1", "data-key": "title" }, ex.title),
    h("p", { class: "prompt", "data-key": "prompt" }, ex.prompt),
    identityLine(ex),
  );
  parts.push(h("p", { class: "participation", "data-key": "done" }, doneLine(kind, ex.done, room.present)));

  if (ex.status === "open") {
    parts.push(h("div", { class: "inputs", "data-key": `inputs:${ex.kind}` }, kind ? kind.input(ex, mine) : h("p", null, t("kind.unknown"))));
    parts.push(saveState(ex));
    if (ex.results && !(kind && kind.resultsWhileOpen === false)) {
      parts.push(h("section", { class: "results", "data-key": "results" }, h("h2", null, t("results.live")), withheldLine(ex), results(kind, ex)));
    }
  } else if (ex.results) {
    parts.splice(room.published ? 2 : 1, 0, h("p", { class: "eyebrow", "data-key": "eyebrow" }, t("results.eyebrow")));
    parts.push(h("section", { class: "results", "data-key": "results" }, withheldLine(ex), results(kind, ex)));
  } else {
    parts.push(h("div", { class: "thanks", "data-key": "thanks" }, h("p", { class: "lead" }, t("thanks.lead")), h("p", { class: "muted" }, t("thanks.hint"))));
  }
  return h("section", { class: `screen exercise kind-${ex.kind}`, "data-key": `screen:ex:${ex.id}` }, parts);
}

/** One save model for every kind: each input is sent as it is made, and this line
 *  says where it stands — being saved, waiting for the network, or saved. */
function saveState(ex) {
  const pending = [...S.pending.values()].filter((entry) => entry.exercise === ex.id);
  let text = "";
  let tone = "";
  if (pending.length) {
    const queued = !(S.ws && S.greeted);
    text = t(queued ? "save.queued" : "save.saving");
    tone = queued ? "warn" : "";
  } else if (S.savedFor === ex.id) {
    text = t("save.saved");
    tone = "ok";
  }
  return h("p", { class: "save-state" + (tone ? ` ${tone}` : ""), role: "status", "aria-live": "polite", "data-key": "save-state" }, text);
}

const IDENTITIES = ["named", "side", "anonymous"];

/** Who may be seen with an answer here, said before anyone answers: the
 *  exercise's identity level (one of IDENTITIES; anything else says nothing). */
function identityLine(ex) {
  if (!IDENTITIES.includes(ex.identity)) return null;
  return h("p", { class: "identity muted small", "data-key": "identity", "data-identity": ex.identity }, t(`identity.${ex.identity}`));
}

/** The sides whose figures the server withheld: fewer than `min_answers` of them answered. */
function withheldLine(ex) {
  const withheld = Array.isArray(ex.withheld) ? ex.withheld : [];
  if (!withheld.length) return null;
  return h("p", { class: "withheld muted small", "data-key": "withheld" }, withheldText(ex));
}

function results(kind, ex) {
  return kind && ex.results ? kind.results(ex.results, ex) : null;
}

// ------------------------------------------------------------------ timer

function remainingSeconds(timer) {
  if (!timer) return null;
  let left = timer.remaining;
  if (timer.running) left -= (performance.now() - S.roomAt) / 1000;
  return Math.max(0, Math.ceil(left));
}

function timerText(timer) {
  const left = remainingSeconds(timer);
  if (left === null || !timer.duration) return "";
  if (left <= 0) return t("timer.up");
  const text = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  return timer.running ? text : t("timer.paused", { time: text });
}

function timerLow(timer) {
  return Boolean(timer && timer.running && timer.duration && remainingSeconds(timer) <= 60);
}

function timerUp(timer) {
  return Boolean(timer && timer.running && timer.duration && remainingSeconds(timer) <= 0);
}

/** Every second: notes and a waiting confirmation expire, the line is checked, the timer counts down. */
function tick() {
  const now = Date.now();
  let changed = false;
  for (const [key, n] of S.notes) {
    if (n.until < now) {
      S.notes.delete(key);
      changed = true;
    }
  }
  if (S.confirming && S.confirming.until < now) {
    S.confirming = null;
    changed = true;
  }
  if (!keepAlive(now)) return; // the socket was silent: it was dropped and the page drawn
  if (changed) render();
  const el = document.querySelector("[data-timer]");
  if (el && S.room) {
    const timer = S.room.exercise.timer;
    el.textContent = timerText(timer);
    el.classList.toggle("low", timerLow(timer) && !timerUp(timer));
    el.classList.toggle("up", timerUp(timer));
    timeUp(S.room.exercise);
  }
}

/** The end of the timebox, noticed: said once (and a short buzz where the phone can)
 *  when the countdown this page watched reaches zero — not for one that ran out
 *  before the page was opened. */
function timeUp(ex) {
  const timer = ex.timer;
  if (ex.status !== "open" || !timer || !timer.running || !timer.duration) return;
  const left = remainingSeconds(timer);
  const opening = `${ex.id}:${timer.duration}`;
  if (left > 0) {
    S.timeWatched = opening;
    return;
  }
  if (S.timeWatched !== opening || S.timeTold === opening) return;
  S.timeTold = opening;
  toast(t("timer.up-note"));
  if (navigator.vibrate) navigator.vibrate(200);
}

// ------------------------------------------------------------------ events

/** The kind of the exercise on screen, or null before there is one. */
function kindOnScreen() {
  return (S.room && KINDS[S.room.exercise.kind]) || null;
}

/** A kind's handler for `name` in its table `which` ("actions" or "submits"), if it has one. */
function handlerOf(kind, which, name) {
  const table = kind && kind[which];
  const handler = table && Object.prototype.hasOwnProperty.call(table, name) ? table[name] : null;
  return typeof handler === "function" ? handler : null;
}

document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-act]");
  if (!el || el.disabled) return;
  if (el.dataset.act === "lang") {
    event.preventDefault();
    useLanguage(el.dataset.lang, true).then(render, (err) => console.error(`No catalogue for ${el.dataset.lang}: ${err}`));
    return;
  }
  if (el.dataset.act === "join") {
    event.preventDefault();
    join(el.dataset.side);
    render();
    return;
  }
  const core = { profile: () => (S.profileOpen ? closeProfile() : (S.profileOpen = true)), "profile-cancel": closeProfile, "profile-save": saveProfile,
    "profile-side": () => (S.profileSide = el.dataset.side) };
  if (el.dataset.act in core) {
    event.preventDefault();
    core[el.dataset.act]();
    render();
    renderBar();
    return;
  }
  const handler = handlerOf(kindOnScreen(), "actions", el.dataset.act);
  if (!handler) return;
  event.preventDefault();
  handler(el, S.room.exercise);
  render();
});

/* Radio groups (a 1–5 scale, a single-choice poll, a team): one tab stop each — the
 * checked radio, else the first — and the arrow keys move to the next one and pick
 * it, as a native radio group does. */
/** Say once, to a screen reader, that an exercise's results are now on the screen
 *  (they appear when the facilitator reveals them, wherever the reader is). */
function announceResults() {
  const ex = S.joined && S.room && S.room.exercise;
  const showing = ex && ex.results && ex.status !== "pending" ? ex.id : null; // "Next up" draws no results
  if (showing === S.announced) return;
  S.announced = showing;
  const live = document.getElementById("announce");
  if (live) live.textContent = showing ? t("results.announce", { title: localise(ex).title }) : "";
}

const ARROWS = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1, Home: -Infinity, End: Infinity };

function rovingTabStops(root) {
  for (const group of root.querySelectorAll('[role="radiogroup"]')) {
    const radios = [...group.querySelectorAll('[role="radio"]')];
    const stop = radios.find((r) => r.getAttribute("aria-checked") === "true") || radios[0];
    for (const radio of radios) radio.tabIndex = radio === stop ? 0 : -1;
  }
}

document.addEventListener("keydown", (event) => {
  const radio = event.target.closest && event.target.closest('[role="radio"]');
  if (!radio || !(event.key in ARROWS)) return;
  const group = radio.closest('[role="radiogroup"]');
  if (!group) return;
  const radios = [...group.querySelectorAll('[role="radio"]')].filter((r) => !r.disabled);
  const step = ARROWS[event.key];
  const at = radios.indexOf(radio);
  const next = radios[step === -Infinity ? 0 : step === Infinity ? radios.length - 1 : (at + step + radios.length) % radios.length];
  if (!next || next === radio) return;
  event.preventDefault();
  next.focus();
  next.click();
});

document.addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  const handler = handlerOf(kindOnScreen(), "submits", form.dataset.submit);
  if (handler) {
    const button = form.querySelector("button[type=submit]");
    if (button && button.disabled) return;
    handler(form, S.room.exercise);
    render();
  }
});

document.addEventListener("input", (event) => {
  const el = event.target;
  const typed = Boolean(el.dataset.draft);
  if (typed) S.drafts.set(el.dataset.draft, el.value);
  const kind = kindOnScreen();
  const changed = Boolean(kind && kind.onInput && kind.onInput(el));
  if (typed || changed) render();
});

// Ctrl/⌘+Enter sends a multi-line idea; plain Enter keeps adding lines.
document.addEventListener("keydown", (event) => {
  const el = event.target;
  if (el.tagName === "TEXTAREA" && event.key === "Enter" && (event.ctrlKey || event.metaKey) && el.form && el.form.requestSubmit) {
    event.preventDefault();
    el.form.requestSubmit();
  }
});

// ------------------------------------------------------------------ start

// The catalogue first: nothing is drawn before the page has its words.
ready.then(() => {
  redrawWith(render, renderBar);
  window.setInterval(tick, 1000);
  render();
  start();
});
