/* The page's one websocket: connecting, recovering, and sending commands.
 *
 * What a caller must know:
 *
 * - The server owns every rule. `view` frames carry the room's shared state
 *   (`room`) and sometimes this person's own inputs (`mine`); `ack` carries the
 *   new `mine`. A refusal is shown in the page's language (`say`: its `key` and
 *   `args`, else its English `reason`), next to the control that caused it
 *   (`note`), or as a toast when that control is gone.
 * - Every action is `{"type":"act","id":…,"command":{…}}` sent by `act`, and stays
 *   pending until its ack or refusal. After a reconnect the pending ones are sent
 *   again with the SAME id, which the server counts once.
 * - A dropped or silent socket is retried with jittered backoff; a wrong room
 *   code or an outdated page stops the retries (`S.fatal`).
 * - Offline shows within five seconds: at once when the browser says so (the
 *   `offline` event), and otherwise by a heartbeat — a socket silent for
 *   `PROBE_AFTER` is pinged, and one still silent `LOST_AFTER` after its last
 *   word is dropped, which shows the banner, while taps wait in the queue.
 * - This module never draws: after every change it calls what `redrawWith` gave it.
 */

import { say, t } from "./i18n.js";
import { S, TOKEN_KEY, NAME_KEY, storageSet, newId, note } from "./state.js";
import { toast } from "./ui.js";

const PROTOCOL_VERSION = 1;
const BACKOFF_FIRST = 500;
const BACKOFF_MAX = 10000;
const PROBE_AFTER = 2500;
const LOST_AFTER = 5000;
const RESEND_AFTER = 8000;

let render = () => {};
let renderBar = () => {};

/** Who draws: the whole page after a change, and the bar alone after the connection's state changed. */
export function redrawWith(page, bar) {
  render = page;
  renderBar = bar;
}

function wsUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/ws?room=${encodeURIComponent(S.code)}`;
}

function connect() {
  window.clearTimeout(S.retryTimer);
  S.retryTimer = 0;
  if (S.ws || S.fatal) return;
  let ws;
  try {
    ws = new WebSocket(wsUrl());
  } catch (err) {
    scheduleReconnect();
    return;
  }
  S.ws = ws;
  S.greeted = false;
  let opened = false;
  ws.addEventListener("open", () => {
    if (S.ws !== ws) return;
    opened = true;
    S.lastHeard = Date.now();
    ws.send(JSON.stringify({ type: "hello", v: PROTOCOL_VERSION, room: S.code, token: S.token || null, seq: S.seq }));
  });
  ws.addEventListener("message", (event) => {
    if (S.ws !== ws) return;
    S.lastHeard = Date.now();
    let msg;
    try {
      msg = JSON.parse(event.data);
    } catch (err) {
      return;
    }
    if (msg && typeof msg.type === "string") receive(msg);
  });
  ws.addEventListener("close", (event) => {
    if (S.ws !== ws) return;
    dropped(event.code, event.reason);
    if (!opened) askAtTheDoor();
  });
}

/**
 * The websocket was refused before it opened, and a browser is not told why: ask
 * the room over plain HTTP. A wrong code stops the retries; a full room says so.
 */
function askAtTheDoor() {
  if (!window.fetch || S.fatal) return;
  window
    .fetch(`/door?room=${encodeURIComponent(S.code)}`, { cache: "no-store" })
    .then((response) => response.json())
    .then((door) => {
      if (door.status === 403) {
        S.fatal = say(door);
        window.clearTimeout(S.retryTimer);
        setConn("closed");
        render();
      } else if (door.status === 503) {
        toast(say(door));
      }
    })
    .catch(() => {
      /* the laptop is out of reach: keep retrying */
    });
}

/** The socket is gone (closed by either side or found silent): try again soon. */
function dropped(code, reason) {
  const ws = S.ws;
  S.ws = null;
  S.greeted = false;
  if (ws && ws.readyState <= 1) {
    try {
      ws.close();
    } catch (err) {
      /* already closing */
    }
  }
  if (code === 1008 && /room code/i.test(reason || "")) {
    S.fatal = t("net.code-expired");
  }
  scheduleReconnect();
  render();
}

function scheduleReconnect() {
  if (S.fatal) {
    setConn("closed");
    return;
  }
  setConn(navigator.onLine === false ? "offline" : "reconnecting");
  const base = Math.min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** S.attempt);
  const delay = base * (0.5 + Math.random()); // ±50 % jitter spreads a room's phones apart
  S.attempt = Math.min(S.attempt + 1, 10);
  window.clearTimeout(S.retryTimer);
  S.retryTimer = window.setTimeout(connect, delay);
}

function reconnectNow() {
  if (S.ws || S.fatal) return;
  S.attempt = 0;
  connect();
}

function setConn(state) {
  S.conn = state;
  renderBar();
}

function sendFrame(frame) {
  if (S.ws && S.ws.readyState === 1 && S.greeted) {
    S.ws.send(JSON.stringify(frame));
    return true;
  }
  return false;
}

/**
 * Send one participant command. `key` names the control group where a refusal
 * is shown; `mark` the exact button shown as busy meanwhile.
 */
export function act(command, key, opts) {
  const options = opts || {};
  const id = newId();
  const entry = {
    frame: { type: "act", id, command },
    key,
    mark: options.mark || key,
    sentAt: Date.now(),
    onAck: options.onAck,
    onRefuse: options.onRefuse,
    exercise: command.exercise || null,
  };
  S.pending.set(id, entry);
  S.notes.delete(key);
  if (entry.exercise && S.savedFor === entry.exercise) S.savedFor = null; // saving again
  if (!(S.joined && sendFrame(entry.frame))) {
    note(key, t("net.queued"), "info");
  }
  render();
  return id;
}

function resendPending() {
  const now = Date.now();
  for (const entry of S.pending.values()) {
    entry.sentAt = now;
    sendFrame(entry.frame);
  }
}

/** Join the room on `side` under the name typed on the join screen. */
export function join(side) {
  const name = (S.drafts.get("name") || "").trim();
  storageSet(NAME_KEY, name);
  const id = newId();
  S.pendingJoin = { id, frame: { type: "join", id, name, side } };
  S.notes.delete("join");
  if (!sendFrame(S.pendingJoin.frame)) note("join", t("net.join-queued"), "info");
  render();
}

/**
 * Called every second: a silent socket (the phone slept, the Wi-Fi moved) is
 * dropped and started over, and commands unanswered for a while are sent again.
 * Returns false when it dropped the socket (and drew the page).
 */
export function keepAlive(now) {
  if (S.greeted && document.visibilityState === "visible") {
    const silent = now - S.lastHeard;
    if (silent > LOST_AFTER) {
      dropped(0, "");
      return false;
    }
    // A quiet room sends nothing: ask, so that a dead network is noticed in seconds.
    if (silent > PROBE_AFTER && now - S.probedAt > PROBE_AFTER) {
      S.probedAt = now;
      sendFrame({ type: "ping" });
    }
  }
  if (S.greeted) {
    for (const entry of S.pending.values()) {
      if (now - entry.sentAt > RESEND_AFTER) {
        entry.sentAt = now;
        sendFrame(entry.frame);
      }
    }
  }
  return true;
}

// ------------------------------------------------------------------ inbound

function receive(msg) {
  switch (msg.type) {
    case "need_join":
      S.greeted = true;
      S.attempt = 0;
      S.everConnected = true;
      S.header = msg.room || S.header;
      S.joined = false;
      S.me = null;
      if (msg.reason) {
        // The token is not known here any more: start again as a newcomer. Kept as
        // the room sent it, so that it is said again if the language is switched.
        S.joinReason = { key: msg.key, args: msg.args, reason: msg.reason };
        S.token = null;
        storageSet(TOKEN_KEY + S.code, null);
        S.pending.clear();
      }
      if (S.token) {
        S.token = null;
        storageSet(TOKEN_KEY + S.code, null);
      }
      setConn("connected");
      if (S.pendingJoin) sendFrame(S.pendingJoin.frame);
      break;
    case "welcome":
      S.greeted = true;
      S.attempt = 0;
      S.everConnected = true;
      S.token = msg.token;
      storageSet(TOKEN_KEY + S.code, msg.token);
      S.me = msg.me;
      S.header = msg.room || S.header;
      S.joined = true;
      S.joinReason = null;
      S.pendingJoin = null;
      S.notes.delete("join");
      setConn("connected");
      resendPending();
      break;
    case "view":
      S.room = msg.room;
      S.roomAt = performance.now();
      if (msg.room && msg.room.sides) S.header = { title: msg.room.title, organisation: msg.room.organisation, sides: msg.room.sides, i18n: msg.room.i18n };
      if ("mine" in msg && msg.mine) {
        S.mine = msg.mine;
        if (msg.mine.me) S.me = msg.mine.me;
      }
      if (typeof msg.seq === "number") S.seq = msg.seq;
      break;
    case "ack": {
      const entry = S.pending.get(msg.id);
      S.pending.delete(msg.id);
      if (msg.mine) S.mine = msg.mine;
      if (msg.mine && msg.mine.me) S.me = msg.mine.me;
      if (entry && entry.exercise) S.savedFor = entry.exercise; // "Saved ✓" under that exercise
      if (entry) {
        const n = S.notes.get(entry.key);
        if (n && n.tone === "info") S.notes.delete(entry.key);
        if (entry.onAck) entry.onAck();
      }
      break;
    }
    case "refused":
      refused(msg.id, say(msg, t("net.refused")));
      break;
    case "error":
      if (msg.id && (S.pending.has(msg.id) || (S.pendingJoin && S.pendingJoin.id === msg.id))) {
        refused(msg.id, say(msg, t("net.error")));
      } else if (msg.code === "version") {
        S.fatal = say(msg, t("net.outdated"));
        setConn("closed");
      } else if (msg.code === "too_fast") {
        // The frame was dropped before it was read: send what is pending again later.
        toast(say(msg, t("net.error")));
        window.setTimeout(resendPending, 1500);
      } else {
        toast(say(msg, t("net.error")));
      }
      break;
    default:
      break; // pong, or something newer than this page: nothing to draw
  }
  render();
}

function refused(id, reason) {
  if (S.pendingJoin && S.pendingJoin.id === id) {
    S.pendingJoin = null;
    note("join", reason);
    return;
  }
  const entry = S.pending.get(id);
  S.pending.delete(id);
  if (!entry) {
    toast(reason);
    return;
  }
  note(entry.key, reason);
  if (entry.onRefuse) entry.onRefuse();
  render();
  if (!document.querySelector(`[data-key="${CSS.escape("note:" + entry.key)}"]`)) toast(reason);
}

// ------------------------------------------------------------------ start

/** Connect (or say there is no room code), and keep the socket alive from now on. */
export function start() {
  window.addEventListener("online", reconnectNow);
  window.addEventListener("offline", () => {
    // The browser knows the network is gone: say so now, not after a timeout.
    if (S.ws) dropped(0, "");
    else setConn("offline");
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      if (!S.ws) reconnectNow();
      else if (S.greeted) {
        // Timers slept with the screen: give the socket a moment to prove it lives.
        S.lastHeard = Math.max(S.lastHeard, Date.now() - PROBE_AFTER);
        S.probedAt = Date.now();
        sendFrame({ type: "ping" });
      }
    }
  });
  // A tab being closed leaves the room now, not when its silence is noticed.
  window.addEventListener("pagehide", () => {
    if (S.ws) S.ws.close(1001, "page closed");
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) reconnectNow(); // back from the browser's page cache
  });
  if (S.code) connect();
  else setConn("closed");
}
