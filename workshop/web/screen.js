/* The projector page: the room on the wall, read-only.
 *
 * Opened as /screen?key=KEY from the facilitator's lobby; its websocket is
 * /ws?screen=KEY and only ever receives `{"type": "screen", "room": …}` frames
 * (workshop/screen.py), answered to nothing but its own pings. It draws the lobby
 * (a big QR code, the room code, who has joined by side), then the exercise the
 * facilitator has on screen, its countdown and how many took part, and its
 * results once revealed — with the same kind modules as the phones, from a view
 * the server has already stripped of every name. It reconnects by itself.
 *
 * It speaks the language of the browser it runs in (`navigator.languages`), or the
 * one its address asks for (`/screen?key=KEY&lang=de`); see i18n.js.
 */

import { h, morphChildren } from "./dom.js";
import { localise, num, plural, ready, t } from "./i18n.js";
import { KINDS } from "./kinds/index.js";
import { S } from "./state.js";
import { sideClass, sides, withheldText } from "./sides.js";
import { doneLine } from "./ui.js";

const KEY = new URLSearchParams(location.search).get("key") || "";
const PING_MS = 10000;
const QUIET_MS = 25000;
let ws = null;
let heard = 0;
let attempt = 0;

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  ws = new WebSocket(`${scheme}://${location.host}/ws?screen=${encodeURIComponent(KEY)}`);
  ws.onopen = () => {
    attempt = 0;
    heard = performance.now();
    status("");
  };
  ws.onmessage = (event) => {
    heard = performance.now();
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (frame.type !== "screen") return;
    S.room = frame.room;
    S.roomAt = performance.now();
    S.header = { title: frame.room.title, organisation: frame.room.organisation, sides: frame.room.sides, i18n: frame.room.i18n };
    render();
  };
  ws.onclose = () => {
    ws = null;
    status(t("screen.reconnecting"));
    attempt += 1;
    setTimeout(connect, Math.min(8000, 500 * 2 ** Math.min(attempt, 4)));
  };
}

function status(text) {
  const el = document.getElementById("screen-conn");
  el.textContent = text;
  el.hidden = !text;
}

setInterval(() => {
  if (!ws || ws.readyState !== WebSocket.OPEN) return;
  if (performance.now() - heard > QUIET_MS) {
    ws.close();
    return;
  }
  ws.send(JSON.stringify({ type: "ping" }));
}, PING_MS);

// ------------------------------------------------------------------ drawing

function render() {
  const room = S.room;
  if (!room) return;
  document.title = t("screen.title", { title: room.title });
  const page = room.lobby.show ? lobby(room) : exercise(room);
  const main = document.getElementById("screen");
  morphChildren(main, h("main", null, page));
  drawQr(room.lobby);
  tick();
  fit(main);
}

/** Shrink the whole wall until it fits the screen: a projector cannot scroll. */
function fit(main) {
  main.style.setProperty("zoom", "1");
  const over = main.scrollHeight / window.innerHeight;
  if (over > 1) main.style.setProperty("zoom", String(Math.max(0.45, 1 / over)));
}

function bySide(lobby) {
  return sides()
    .filter((s, i) => i < 2 || lobby.by_side[s.id])
    .map((s) => h("span", { class: `chip big ${sideClass(s.id)}`, "data-key": `side:${s.id}` }, `${s.label} ${num(lobby.by_side[s.id] || 0)}`));
}

function lobby(room) {
  const l = room.lobby;
  return h(
    "section",
    { class: "wall lobby", "data-key": "lobby" },
    h(
      "div",
      { class: "lobby-text", "data-key": "lobby-text" },
      h("p", { class: "eyebrow" }, room.organisation || t("app.name")),
      h("h1", null, room.title),
      h("p", { class: "lead" }, t("screen.scan")),
      h("p", { class: "join-url" }, l.url),
      h("p", { class: "code-label" }, t("screen.code")),
      h("p", { class: "room-code", "aria-label": l.code.split("").join(" ") }, l.code),
      h("p", { class: "joined" }, t("screen.joined", { people: plural(l.joined, "people") })),
      h("p", { class: "sides-line" }, bySide(l)),
    ),
    h("canvas", { class: "qr", id: "qr", "data-key": "qr", role: "img", "aria-label": t("screen.qr") }),
  );
}

function exercise(room) {
  const ex = localise(room.exercise);
  const kind = KINDS[ex.kind];
  const parts = [
    h(
      "div",
      { class: "wall-head", "data-key": "head" },
      h("p", { class: "eyebrow" }, t("step", { step: room.step, steps: room.steps })),
      h("p", { class: "corner-code", "data-key": "corner" }, t("screen.corner", { code: room.lobby.code })),
    ),
    h("h1", { "data-key": "title" }, ex.title),
  ];
  if (ex.status === "pending") {
    parts.push(h("p", { class: "lead", "data-key": "next" }, t("screen.next")));
    return h("section", { class: "wall", "data-key": `ex:pending:${ex.id}` }, parts);
  }
  parts.push(h("p", { class: "prompt", "data-key": "prompt" }, ex.prompt));
  parts.push(
    h(
      "div",
      { class: "meta big", "data-key": "meta" },
      h("span", { class: "participation" }, doneLine(kind, ex.done, room.present)),
      ex.status === "open" && ex.timer && ex.timer.duration ? h("span", { class: "timer", "data-timer": "", role: "timer" }, "") : null,
      ex.status === "closed" ? h("span", { class: "status" }, t("exercise.closed")) : null,
    ),
  );
  if (ex.results && kind) {
    const withheld = Array.isArray(ex.withheld) && ex.withheld.length ? h("p", { class: "withheld muted", "data-key": "withheld" }, withheldText(ex)) : null;
    parts.push(h("section", { class: "results appear", "data-key": `results:${ex.id}` }, withheld, kind.results(ex.results, ex)));
  } else {
    parts.push(h("p", { class: "lead hidden-results", "data-key": "hidden" }, t(ex.status === "open" ? "screen.answering" : "screen.hidden")));
  }
  return h("section", { class: `wall kind-${ex.kind}`, "data-key": `ex:${ex.id}` }, parts);
}

/** The join URL's QR code on a canvas: a square per module, black on white. Drawn
 *  on every render (a redraw empties a canvas whose size attributes changed). */
function drawQr(l) {
  const canvas = document.getElementById("qr");
  if (!canvas || !l.qr.length) return;
  const rows = l.qr;
  const size = Math.min(canvas.clientWidth || 600, canvas.clientHeight || 600);
  const cell = Math.max(2, Math.floor((size * (window.devicePixelRatio || 1)) / rows.length));
  canvas.width = canvas.height = cell * rows.length;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#000";
  rows.forEach((row, y) => {
    for (let x = 0; x < row.length; x += 1) if (row[x] === "1") ctx.fillRect(x * cell, y * cell, cell, cell);
  });
}

// ------------------------------------------------------------------ the countdown

function tick() {
  const room = S.room;
  const el = document.querySelector("[data-timer]");
  if (!room || !el) return;
  const timer = room.exercise.timer;
  let left = timer.remaining;
  if (timer.running) left -= (performance.now() - S.roomAt) / 1000;
  left = Math.max(0, Math.ceil(left));
  const text = left <= 0 ? t("timer.up") : `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  el.textContent = timer.running || left <= 0 ? text : t("timer.paused", { time: text });
  el.classList.toggle("low", left <= 30);
}

// The catalogue first: nothing is drawn before the page has its words.
ready.then(() => {
  const boot = document.getElementById("boot");
  if (boot) boot.textContent = t("connecting.first");
  setInterval(tick, 500);
  window.addEventListener("resize", render);
  if (KEY) connect();
  else status(t("screen.nokey"));
});
