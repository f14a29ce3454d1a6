/* Common Ground — the participants' phone page.
 *
 * Plain JavaScript, no framework, no build step, no network but this page's own
 * websocket. What a reader must know:
 *
 * - The page is served over plain http on a LAN address: an insecure context.
 *   Nothing here may rely on APIs that need a secure one (crypto.randomUUID,
 *   clipboard, service workers). Command ids come from crypto.getRandomValues.
 * - The server owns every rule. The page shows what the server decided: `view`
 *   frames carry the room's shared state (`room`) and sometimes this person's
 *   own inputs (`mine`); `ack` carries the new `mine`. A refusal's `reason` is
 *   shown as is, next to the control that caused it.
 * - Every action is `{"type":"act","id":…,"command":{…}}` and stays pending
 *   until its ack or refusal. After a reconnect the pending ones are sent again
 *   with the SAME id, which the server counts once.
 * - Participant text only ever reaches the page through text nodes (see `h`):
 *   no innerHTML, no eval, no inline handlers (the CSP forbids them anyway).
 * - Rendering builds a fresh tree and morphs the live one into it (`morph`), so
 *   a text field being typed in keeps its focus, caret and text. Event handlers
 *   are delegated from the document through `data-act` / `data-submit` /
 *   `data-draft` attributes, which is what lets the morph keep old nodes.
 */
"use strict";

(function () {
  // ------------------------------------------------------------------ constants

  const PROTOCOL_VERSION = 1;
  const BACKOFF_FIRST = 500;
  const BACKOFF_MAX = 10000;
  const PING_EVERY = 15000;
  const SILENCE_LIMIT = 40000;
  const RESEND_AFTER = 8000;
  const NOTE_MS = 6000;
  const TOKEN_KEY = "commonground.token.";
  const NAME_KEY = "commonground.name";
  const ALL = "all";

  const DONE_VERB = {
    scale: "rated",
    brainstorm: "added ideas",
    dotvote: "voted",
    poll: "answered",
    allocate: "allocated",
    matrix: "placed items",
    ownership: "answered",
    initiatives: "joined in",
  };

  // ------------------------------------------------------------------ state

  const S = {
    code: roomCodeFromUrl(),
    token: null,
    me: null,
    header: null, // {title, organisation, sides}
    room: null, // latest view.room
    roomAt: 0, // performance.now() when `room` arrived, for the timer
    mine: null, // latest own inputs (view.mine or ack.mine)
    seq: 0,
    joined: false,
    joinReason: "",
    fatal: "", // a reason the page cannot go on (wrong room code, old page)
    conn: "connecting",
    ws: null,
    greeted: false,
    attempt: 0,
    everConnected: false,
    lastHeard: 0,
    retryTimer: 0,
    pending: new Map(), // id → {frame, key, mark, sentAt, onAck, onRefuse}
    pendingJoin: null, // {id, frame}
    notes: new Map(), // control key → {text, tone, until}
    drafts: new Map(), // text field key → typed text
    local: {}, // per-exercise local choices not yet sent (allocate, poll, matrix)
    editing: null, // idea id being edited inline
    confirming: null, // {key, until}: a destructive button waiting for a second tap
    screenKey: "",
    focusNext: null,
  };
  S.token = storageGet(TOKEN_KEY + S.code);

  // ------------------------------------------------------------------ small helpers

  function roomCodeFromUrl() {
    const code = (new URLSearchParams(location.search).get("room") || "").trim().toUpperCase();
    return /^[A-Z0-9]{1,32}$/.test(code) ? code : "";
  }

  function storageGet(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (err) {
      return null; // storage disabled: the phone simply joins again after a reload
    }
  }

  function storageSet(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, value);
    } catch (err) {
      /* private mode or full: not fatal */
    }
  }

  /** A command id: 32 hex characters from the CSPRNG (works in insecure contexts). */
  function newId() {
    const bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    let out = "";
    for (const b of bytes) out += b.toString(16).padStart(2, "0");
    return out;
  }

  function range(from, to) {
    const out = [];
    for (let i = from; i <= to; i += 1) out.push(i);
    return out;
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many || one + "s"}`;
  }

  /** "+ 4 earlier comments": what a summarised view left out (see views.fit). */
  function more(n, one) {
    return n ? h("p", { class: "muted small" }, `+ ${plural(n, one)} not shown`) : null;
  }

  function fmt1(x) {
    return x === null || x === undefined ? "–" : (Math.round(x * 10) / 10).toFixed(1);
  }

  function signed(x) {
    if (x === null || x === undefined) return "–";
    const r = Math.round(x * 10) / 10;
    return (r > 0 ? "+" : r < 0 ? "−" : "±") + Math.abs(r).toFixed(1);
  }

  /**
   * Build an element. Strings among the children become text nodes, never markup.
   * props: attributes by name, except `class`, `text`, `value`, `style` (an object
   * applied through the CSSOM, which the CSP allows), and booleans (`disabled`,
   * `hidden`, …: set when true, left out when false).
   */
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    if (props) {
      for (const [name, value] of Object.entries(props)) {
        if (value === null || value === undefined || value === false) continue;
        if (name === "class") el.className = value;
        else if (name === "value") el.value = String(value);
        else if (name === "style") for (const [p, v] of Object.entries(value)) el.style.setProperty(p, v);
        else if (value === true) el.setAttribute(name, "");
        else el.setAttribute(name, String(value));
      }
    }
    append(el, children);
    return el;
  }

  function append(el, children) {
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      if (Array.isArray(child)) append(el, child);
      else if (child instanceof Node) el.appendChild(child);
      else el.appendChild(document.createTextNode(String(child)));
    }
  }

  // ------------------------------------------------------------------ morph

  function sameKind(a, b) {
    if (a.nodeType !== b.nodeType) return false;
    if (a.nodeType !== 1) return true;
    return a.tagName === b.tagName && a.getAttribute("type") === b.getAttribute("type");
  }

  /** Make `old` look like `neu`, keeping `old`'s identity (focus, caret, scroll). */
  function morph(old, neu) {
    if (old.nodeType !== 1) {
      if (old.nodeValue !== neu.nodeValue) old.nodeValue = neu.nodeValue;
      return;
    }
    for (const attr of Array.from(old.attributes)) {
      if (attr.name !== "style" && !neu.hasAttribute(attr.name)) old.removeAttribute(attr.name);
    }
    for (const attr of Array.from(neu.attributes)) {
      if (attr.name !== "style" && old.getAttribute(attr.name) !== attr.value) old.setAttribute(attr.name, attr.value);
    }
    if (old.style.cssText !== neu.style.cssText) old.style.cssText = neu.style.cssText;
    if (old.tagName === "INPUT" || old.tagName === "TEXTAREA") {
      // What a person is typing is theirs: never overwrite the focused field.
      if (old !== document.activeElement && old.value !== neu.value) old.value = neu.value;
      return;
    }
    morphChildren(old, neu);
  }

  function morphChildren(old, neu) {
    const keyed = new Map();
    for (const child of old.childNodes) {
      if (child.nodeType === 1 && child.dataset.key) keyed.set(child.dataset.key, child);
    }
    let cursor = old.firstChild;
    for (const child of Array.from(neu.childNodes)) {
      const key = child.nodeType === 1 ? child.dataset.key : undefined;
      let match = null;
      if (key) {
        match = keyed.get(key) || null;
        if (match && !sameKind(match, child)) match = null;
        keyed.delete(key);
      } else if (cursor && !(cursor.nodeType === 1 && cursor.dataset.key) && sameKind(cursor, child)) {
        match = cursor;
      }
      if (match) {
        if (match === cursor) cursor = cursor.nextSibling;
        else old.insertBefore(match, cursor);
        morph(match, child);
      } else {
        old.insertBefore(child, cursor);
      }
    }
    while (cursor) {
      const next = cursor.nextSibling;
      old.removeChild(cursor);
      cursor = next;
    }
  }

  // ------------------------------------------------------------------ connection

  /** The published joint agenda: it names people, so the room wants its code. */
  function agendaUrl() {
    return `/agenda.html?room=${encodeURIComponent(S.code)}`;
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
          S.fatal = String(door.reason);
          window.clearTimeout(S.retryTimer);
          setConn("closed");
          render();
        } else if (door.status === 503) {
          toast(String(door.reason));
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
      S.fatal = "This room code is not valid any more. Scan the QR code on the facilitator's screen again.";
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
  function act(command, key, opts) {
    const options = opts || {};
    const id = newId();
    const entry = {
      frame: { type: "act", id, command },
      key,
      mark: options.mark || key,
      sentAt: Date.now(),
      onAck: options.onAck,
      onRefuse: options.onRefuse,
    };
    S.pending.set(id, entry);
    S.notes.delete(key);
    if (!(S.joined && sendFrame(entry.frame))) {
      note(key, "Not connected: this will be sent when the connection is back.", "info");
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

  function busy(mark) {
    for (const entry of S.pending.values()) if (entry.mark === mark) return true;
    return false;
  }

  function join(side) {
    const name = (S.drafts.get("name") || "").trim();
    storageSet(NAME_KEY, name);
    const id = newId();
    S.pendingJoin = { id, frame: { type: "join", id, name, side } };
    S.notes.delete("join");
    if (!sendFrame(S.pendingJoin.frame)) note("join", "Not connected yet: you will join as soon as the connection is back.", "info");
    render();
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
          // The token is not known here any more: start again as a newcomer.
          S.joinReason = msg.reason;
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
        S.joinReason = "";
        S.pendingJoin = null;
        S.notes.delete("join");
        setConn("connected");
        resendPending();
        break;
      case "view":
        S.room = msg.room;
        S.roomAt = performance.now();
        if (msg.room && msg.room.sides) S.header = { title: msg.room.title, organisation: msg.room.organisation, sides: msg.room.sides };
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
        if (entry) {
          const n = S.notes.get(entry.key);
          if (n && n.tone === "info") S.notes.delete(entry.key);
          if (entry.onAck) entry.onAck();
        }
        break;
      }
      case "refused":
        refused(msg.id, msg.reason || "That was not accepted.");
        break;
      case "error":
        if (msg.id && (S.pending.has(msg.id) || (S.pendingJoin && S.pendingJoin.id === msg.id))) {
          refused(msg.id, msg.reason);
        } else if (msg.code === "version") {
          S.fatal = msg.reason || "This page is out of date. Reload it to continue.";
          setConn("closed");
        } else if (msg.code === "too_fast") {
          // The frame was dropped before it was read: send what is pending again later.
          toast(msg.reason);
          window.setTimeout(resendPending, 1500);
        } else {
          toast(msg.reason || "Something went wrong. Reload the page if it keeps happening.");
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

  // ------------------------------------------------------------------ notes and toast

  function note(key, text, tone) {
    S.notes.set(key, { text, tone: tone || "error", until: Date.now() + NOTE_MS });
  }

  let toastTimer = 0;
  function toast(text) {
    const el = document.getElementById("toast");
    el.textContent = text;
    el.hidden = false;
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => {
      el.hidden = true;
      el.textContent = "";
    }, NOTE_MS);
  }

  /** The always-present message line under a control group (a live region). */
  function slot(key) {
    const n = S.notes.get(key);
    return h("p", { class: "note" + (n ? " " + n.tone : ""), "data-key": "note:" + key, "aria-live": "polite" }, n ? n.text : "");
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
    if (left <= 0) return "Time's up";
    const text = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
    return timer.running ? text : `Paused ${text}`;
  }

  function timerLow(timer) {
    return Boolean(timer && timer.running && timer.duration && remainingSeconds(timer) <= 60);
  }

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
    if (S.greeted && document.visibilityState === "visible" && now - S.lastHeard > SILENCE_LIMIT) {
      dropped(0, ""); // a silent socket (the phone slept, the Wi-Fi moved): start over
      return;
    }
    if (S.greeted) {
      for (const entry of S.pending.values()) {
        if (now - entry.sentAt > RESEND_AFTER) {
          entry.sentAt = now;
          sendFrame(entry.frame);
        }
      }
    }
    if (changed) render();
    const el = document.querySelector("[data-timer]");
    if (el && S.room) {
      const timer = S.room.exercise.timer;
      el.textContent = timerText(timer);
      el.classList.toggle("low", timerLow(timer));
    }
  }

  // ------------------------------------------------------------------ sides and bars

  function sides() {
    return (S.header && S.header.sides) || [];
  }

  function sideIndex(id) {
    return sides().findIndex((s) => s.id === id);
  }

  function sideLabel(id) {
    if (id === ALL) return "Everyone";
    const side = sides().find((s) => s.id === id);
    return side ? side.label : "Facilitator";
  }

  function sideClass(id) {
    const i = sideIndex(id);
    return i < 0 ? "sx" : `s${i % 6}`;
  }

  /** The sides worth a row in a result: the two compared sides always, any
   *  other side only when it has data, then everyone. */
  function resultKeys(hasData) {
    return sides()
      .filter((s, i) => i < 2 || hasData(s.id))
      .map((s) => s.id)
      .concat([ALL]);
  }

  function chip(id) {
    return h("span", { class: `chip ${sideClass(id)}` }, sideLabel(id));
  }

  function bar(fraction, cls, label) {
    const pct = Math.max(0, Math.min(1, fraction || 0)) * 100;
    return h("span", { class: "track", "aria-hidden": label ? null : "true" }, h("span", { class: `fill ${cls}`, style: { width: `${pct.toFixed(1)}%` } }));
  }

  /** One row of a side-by-side chart: label, bar, number (the number is the data). */
  function sideRow(id, fraction, number) {
    return h(
      "div",
      { class: "brow" },
      h("span", { class: "blabel" }, sideLabel(id)),
      bar(fraction, sideClass(id)),
      h("span", { class: "bnum" }, number),
    );
  }

  /** A bar made of one segment per side, with the counts spelled out below it. */
  function stacked(bySide, scale, none) {
    const segs = sides().map((s) => {
      const v = bySide[s.id] || 0;
      return v ? h("span", { class: `seg ${sideClass(s.id)}`, style: { width: `${((v / scale) * 100).toFixed(1)}%` } }) : null;
    });
    const legend = sides()
      .filter((s) => bySide[s.id])
      .map((s) => h("span", { class: "legend" }, h("span", { class: `sw ${sideClass(s.id)}`, "aria-hidden": "true" }), `${s.label} ${bySide[s.id]}`));
    return [h("span", { class: "track stack-track", "aria-hidden": "true" }, segs), h("p", { class: "legends" }, legend.length ? legend : none || "None yet")];
  }

  // ------------------------------------------------------------------ screens

  function render() {
    renderBar();
    const app = document.getElementById("app");
    const next = h("main", null, screen());
    const before = S.screenKey;
    morphChildren(app, next);
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
    const labels = { connecting: "Connecting…", connected: "Connected", reconnecting: "Reconnecting…", offline: "Offline", closed: "Not connected" };
    conn.dataset.state = S.conn;
    const text = labels[S.conn] || S.conn;
    const textEl = document.getElementById("conn-text");
    if (textEl.textContent !== text) textEl.textContent = text;
    const title = document.getElementById("bar-title");
    const who = S.me
      ? [h("span", { class: "who" }, S.me.name || "Anonymous"), h("span", { class: "side" }, ` · ${sideLabel(S.me.side)}`)]
      : [h("span", { class: "who" }, (S.header && S.header.title) || "Common Ground")];
    morphChildren(title, h("p", null, who));
    const banner = document.getElementById("conn-banner");
    const away = S.everConnected && (S.conn === "reconnecting" || S.conn === "offline");
    banner.hidden = !away;
    const bannerText = S.conn === "offline" ? "This phone is offline. Your answers are kept and sent when it is back." : "Lost the connection to the room. Reconnecting… your answers are kept.";
    if (away && banner.textContent !== bannerText) banner.textContent = bannerText;
  }

  function screen() {
    if (!S.code) {
      return h(
        "section",
        { class: "screen", "data-key": "screen:nocode" },
        h("h1", { tabindex: "-1" }, "Common Ground"),
        h("p", { class: "lead" }, "Scan the QR code on the facilitator's screen to join the workshop."),
        h("p", { class: "muted" }, "The link needs the room code at the end, like …/?room=ABC234."),
      );
    }
    if (S.fatal) {
      return h("section", { class: "screen", "data-key": "screen:fatal" }, h("h1", { tabindex: "-1" }, "Cannot join"), h("p", { class: "lead" }, S.fatal));
    }
    if (!S.header) {
      return h(
        "section",
        { class: "screen", "data-key": "screen:connecting" },
        h("h1", { tabindex: "-1" }, "Common Ground"),
        h("p", { class: "lead" }, S.conn === "connecting" ? "Connecting to the room…" : "Trying to reach the room…"),
        S.conn !== "connecting" ? h("p", { class: "muted" }, "Check that this phone is on the same Wi-Fi as the facilitator's laptop, or scan the QR code again.") : null,
      );
    }
    if (!S.joined) return joinScreen();
    if (!S.room) {
      return h("section", { class: "screen", "data-key": "screen:loading" }, h("h1", { tabindex: "-1" }, S.header.title), h("p", { class: "lead" }, "Loading the room…"));
    }
    return exerciseScreen(S.room);
  }

  function joinScreen() {
    const hd = S.header;
    if (!S.drafts.has("name")) S.drafts.set("name", storageGet(NAME_KEY) || "");
    const joining = Boolean(S.pendingJoin);
    return h(
      "section",
      { class: "screen join", "data-key": "screen:join" },
      h("p", { class: "eyebrow" }, "Join the workshop"),
      h("h1", { tabindex: "-1" }, hd.title),
      hd.organisation ? h("p", { class: "lead" }, hd.organisation) : null,
      S.joinReason ? h("p", { class: "note info" }, S.joinReason) : null,
      h(
        "form",
        { class: "stack", "data-submit": "none", novalidate: true },
        h("label", { for: "name", class: "field-label" }, "Your name ", h("span", { class: "muted" }, "(optional)")),
        h("input", {
          id: "name",
          type: "text",
          autocomplete: "name",
          maxlength: "40",
          "data-draft": "name",
          placeholder: "Leave blank to stay anonymous",
          value: S.drafts.get("name"),
        }),
      ),
      h("h2", { class: "q", id: "side-q" }, "Which team are you in?"),
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

  function exerciseScreen(room) {
    const ex = room.exercise;
    const mine = S.mine && S.mine.exercise === ex.id ? S.mine : {};
    const parts = [];
    if (room.published) {
      parts.push(
        h(
          "div",
          { class: "banner agenda", "data-key": "published" },
          h("p", null, "The joint agenda is ready."),
          h(
            "p",
            { class: "agenda-links" },
            h("a", { class: "button", href: agendaUrl(), target: "_blank", rel: "noopener" }, "Open it"),
            h("a", { class: "button secondary", href: agendaUrl() + "&download=1", download: "joint-agenda.html" }, "Download"),
          ),
        ),
      );
    }
    const timer = ex.status === "open" ? timerText(ex.timer) : "";
    parts.push(
      h(
        "div",
        { class: "meta", "data-key": "meta" },
        h("span", { class: "step" }, `Step ${room.step} of ${room.steps}`),
        timer ? h("span", { class: "timer" + (timerLow(ex.timer) ? " low" : ""), role: "timer", "aria-label": "Time left", "data-timer": "" }, timer) : null,
        ex.status === "closed" ? h("span", { class: "timer" }, "Closed") : null,
      ),
    );
    if (ex.status === "pending") {
      parts.push(
        h("p", { class: "eyebrow", "data-key": "eyebrow" }, "Next up"),
        h("h1", { tabindex: "-1", "data-key": "title" }, ex.title),
        h("p", { class: "lead", "data-key": "wait" }, "The facilitator will open it in a moment. Keep this page open."),
        h("p", { class: "muted", "data-key": "present" }, `${plural(room.present, "person", "people")} in the room.`),
      );
      return h("section", { class: "screen waiting", "data-key": `screen:pending:${ex.id}` }, parts);
    }
    parts.push(
      h("h1", { tabindex: "-1", "data-key": "title" }, ex.title),
      h("p", { class: "prompt", "data-key": "prompt" }, ex.prompt),
    );
    const verb = DONE_VERB[ex.kind] || "answered";
    const has = ex.done === 1 ? "has" : "have";
    parts.push(h("p", { class: "participation", "data-key": "done" }, `${ex.done} of ${room.present} ${has} ${verb}`));
    if (ex.anonymous) parts.push(h("p", { class: "muted small", "data-key": "anon" }, "Anonymous: names are never shown for this exercise."));

    if (ex.status === "open") {
      const kind = KINDS[ex.kind];
      parts.push(h("div", { class: "inputs", "data-key": `inputs:${ex.kind}` }, kind ? kind.input(ex, mine) : h("p", null, "This page cannot show this exercise. Reload it.")));
      if (ex.results && ex.kind !== "initiatives") {
        parts.push(h("section", { class: "results", "data-key": "results" }, h("h2", null, "The room so far"), results(ex)));
      }
    } else if (ex.results) {
      parts.splice(room.published ? 2 : 1, 0, h("p", { class: "eyebrow", "data-key": "eyebrow" }, "Results"));
      parts.push(h("section", { class: "results", "data-key": "results" }, results(ex)));
    } else {
      parts.push(h("div", { class: "thanks", "data-key": "thanks" }, h("p", { class: "lead" }, "Thanks — waiting for the facilitator."), h("p", { class: "muted" }, "The results appear here when they are shown to the room.")));
    }
    return h("section", { class: `screen exercise kind-${ex.kind}`, "data-key": `screen:ex:${ex.id}` }, parts);
  }

  function results(ex) {
    const kind = KINDS[ex.kind];
    return kind && ex.results ? kind.results(ex.results, ex) : null;
  }

  // ------------------------------------------------------------------ kinds: shared pieces

  function choiceButton(label, on, attrs) {
    return h("button", Object.assign({ type: "button", class: "pick" + (on ? " on" : ""), "aria-pressed": on ? "true" : "false" }, attrs), label);
  }

  function withBusy(attrs, mark) {
    if (busy(mark)) {
      attrs.class = (attrs.class || "") + " busy";
      attrs["aria-busy"] = "true";
    }
    return attrs;
  }

  function localFor(kind, exId) {
    const key = `${kind}:${exId}`;
    if (!S.local[key]) S.local[key] = {};
    return S.local[key];
  }

  function textForm(opts) {
    // opts: {key, label, placeholder, multiline, max, submit, button, disabled, hint}
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
        opts.max ? h("span", { class: "count" + (over ? " over" : ""), id: id + "-count" }, `${draft.trim().length} / ${opts.max}`) : h("span", null, opts.hint || ""),
        h(
          "button",
          withBusy({ type: "submit", class: "primary", disabled: opts.disabled || !draft.trim() || over || sending }, opts.key),
          opts.button,
        ),
      ),
      slot(opts.key),
    );
  }

  // ------------------------------------------------------------------ kinds

  const KINDS = {};

  // scale ------------------------------------------------------------
  KINDS.scale = {
    input(ex, mine) {
      const max = ex.config.max;
      const [low, high] = ex.config.labels;
      const ratings = mine.ratings || {};
      return ex.items.map((item, index) => {
        const key = `rate:${item.id}`;
        const chosen = ratings[item.id];
        const qid = `q-${index}`;
        return h(
          "div",
          { class: "card", "data-key": key, role: "group", "aria-labelledby": qid },
          h("p", { class: "q", id: qid }, item.text),
          h(
            "div",
            { class: "scale" },
            range(1, max).map((v) =>
              choiceButton(
                String(v),
                chosen === v,
                withBusy({ "data-act": "rate", "data-item": item.id, "data-value": v, "aria-label": `${v} of ${max}${v === 1 ? `, ${low}` : v === max ? `, ${high}` : ""}` }, `${key}:${v}`),
              ),
            ),
          ),
          h("div", { class: "ends", "aria-hidden": "true" }, h("span", null, low), h("span", null, high)),
          slot(key),
        );
      });
    },
    results(res) {
      const max = (S.room && S.room.exercise.config.max) || 5;
      const pair = sides().slice(0, 2).map((s) => s.id);
      return res.statements.map((st) => {
        const keys = resultKeys((k) => st.n[k] > 0);
        if (!st.n[ALL]) {
          return h("div", { class: "card", "data-key": `res:${st.item}` }, h("p", { class: "q" }, st.text), h("p", { class: "muted" }, "No ratings yet."));
        }
        return h(
          "div",
          { class: "card", "data-key": `res:${st.item}` },
          h("p", { class: "q" }, st.text),
          keys.map((k) => sideRow(k, st.mean[k] ? st.mean[k] / max : 0, st.n[k] ? `${fmt1(st.mean[k])}` : "–")),
          gapLine(st.gap, st.flagged, pair),
          shiftLine(st.shift, keys),
        );
      }).concat([h("p", { class: "muted small", "data-key": "res:n" }, `Means from 1 to ${max}; ${plural(res.respondents, "person", "people")} answered.`)]);
    },
  };

  function gapLine(gap, flagged, pair) {
    if (gap === null || gap === undefined || pair.length < 2) return null;
    const size = Math.abs(Math.round(gap * 10) / 10);
    const [higher, lower] = gap >= 0 ? pair : [pair[1], pair[0]];
    const text = size === 0 ? `${sideLabel(pair[0])} and ${sideLabel(pair[1])} agree` : `${sideLabel(higher)} rates it ${size.toFixed(1)} points higher than ${sideLabel(lower)}`;
    return h("p", { class: "gap" + (flagged ? " flagged" : "") }, flagged ? h("span", { class: "badge warn" }, "Gap") : null, text);
  }

  /**
   * Where IT and Marketing lean differently on one item (dots or picks, each side
   * counted against its own total): shown only on the items the room flags.
   */
  function shareGapLine(row, say) {
    const [a, b] = sides();
    if (!row.flagged || !a || !b) return null;
    const pct = (side) => `${Math.round(row.share[side.id])} %`;
    return h("p", { class: "gap flagged" }, h("span", { class: "badge warn" }, "Gap"), say(a.label, pct(a), b.label, pct(b)));
  }

  function shiftLine(shift, keys) {
    const moved = shift ? keys.filter((k) => shift[k] !== null && shift[k] !== undefined) : [];
    if (!moved.length) return null;
    return h("p", { class: "muted small" }, "Change since the check-in: " + moved.map((k) => `${sideLabel(k)} ${signed(shift[k])}`).join(" · "));
  }

  // brainstorm -------------------------------------------------------
  KINDS.brainstorm = {
    input(ex, mine) {
      const cfg = ex.config;
      const left = typeof mine.left === "number" ? mine.left : cfg.max_per_person;
      const ideas = mine.ideas || [];
      const key = `idea:${ex.id}`;
      return [
        h("p", { class: "counter-big", "data-key": "left" }, h("strong", null, String(left)), left === 1 ? " idea left" : " ideas left"),
        left > 0
          ? textForm({ key, label: "Your idea", placeholder: "One idea at a time", multiline: true, max: cfg.max_length, submit: "idea", button: "Add" })
          : h("p", { class: "note info", "data-key": "full" }, `You have added ${plural(cfg.max_per_person, "idea")}, the most for this exercise. You can still edit or withdraw one.`),
        ideas.length ? h("h2", { "data-key": "mine-h" }, "My ideas") : null,
        ideas.length
          ? h(
              "ul",
              { class: "list", "data-key": "mine" },
              ideas.map((idea) => KINDS.brainstorm.ideaRow(ex, idea)),
            )
          : null,
      ];
    },
    ideaRow(ex, idea) {
      const key = `ideaedit:${idea.id}`;
      const editing = S.editing === idea.id;
      const withdrawKey = `withdraw:${idea.id}`;
      const confirming = S.confirming && S.confirming.key === withdrawKey;
      const flags = [];
      if (idea.hidden) flags.push(h("span", { class: "badge" }, "Hidden by the facilitator"));
      if (idea.merged) flags.push(h("span", { class: "badge" }, "Merged with a similar idea"));
      if (editing) {
        return h(
          "li",
          { class: "card idea editing", "data-key": `li:${idea.id}` },
          textForm({ key, label: "Edit your idea", multiline: true, max: ex.config.max_length, submit: "edit", button: "Save" }),
          h("div", { class: "row-actions" }, h("button", { type: "button", class: "ghost", "data-act": "cancel-edit" }, "Cancel")),
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
          h("button", { type: "button", class: "ghost", "data-act": "edit", "data-idea": idea.id, "aria-label": `Edit: ${idea.text}` }, "Edit"),
          h(
            "button",
            withBusy({ type: "button", class: "ghost danger" + (confirming ? " confirm" : ""), "data-act": "withdraw", "data-idea": idea.id, "aria-label": confirming ? `Tap again to withdraw: ${idea.text}` : `Withdraw: ${idea.text}` }, withdrawKey),
            confirming ? "Tap again to withdraw" : "Withdraw",
          ),
        ),
        slot(withdrawKey),
      );
    },
    results(res) {
      const byId = new Map(res.ideas.map((i) => [i.id, i]));
      const grouped = new Set();
      const groups = res.themes.map((t) => {
        t.ideas.forEach((id) => grouped.add(id));
        return h(
          "div",
          { class: "theme", "data-key": `theme:${t.id}` },
          h("h3", null, t.name, h("span", { class: "muted" }, ` · ${plural(t.ideas.length, "idea")}`)),
          h("ul", { class: "board" }, t.ideas.map((id) => byId.get(id)).filter(Boolean).map(ideaCard)),
        );
      });
      const loose = res.ideas.filter((i) => !grouped.has(i.id));
      if (loose.length) {
        groups.push(
          h(
            "div",
            { class: "theme", "data-key": "theme:none" },
            res.themes.length ? h("h3", null, "Not grouped yet") : null,
            h("ul", { class: "board" }, loose.map(ideaCard)),
          ),
        );
      }
      const counts = sides()
        .filter((s) => res.by_side[s.id])
        .map((s) => `${s.label} ${res.by_side[s.id]}`)
        .join(" · ");
      const shown = res.ideas_more ? ` (the newest ${res.ideas.length} shown)` : "";
      return [h("p", { class: "muted small", "data-key": "res:count" }, `${plural(res.ideas.length + (res.ideas_more || 0), "idea")} on the board${shown}${counts ? " · " + counts : ""}`)].concat(
        groups.length ? groups : [h("p", { class: "muted", "data-key": "res:empty" }, "No ideas yet.")],
      );
    },
  };

  function ideaCard(idea) {
    return h(
      "li",
      { class: "idea-card", "data-key": `board:${idea.id}` },
      h("span", { class: "idea-text" }, idea.text),
      h("span", { class: "idea-meta" }, idea.side ? chip(idea.side) : h("span", { class: "chip sx" }, "Facilitator"), idea.merged ? h("span", { class: "muted small" }, ` +${idea.merged} similar`) : null),
    );
  }

  // dotvote ----------------------------------------------------------
  KINDS.dotvote = {
    input(ex, mine) {
      const cfg = ex.config;
      const dots = mine.dots || {};
      const left = typeof mine.left === "number" ? mine.left : cfg.dots;
      const out = [
        h(
          "div",
          { class: "dots-left", "data-key": "left", role: "status" },
          h("strong", null, String(left)),
          left === 1 ? " dot left" : " dots left",
          h("span", { class: "muted small" }, ` of ${cfg.dots} · at most ${cfg.max_per_item} on one item`),
        ),
      ];
      if (!ex.items.length) out.push(h("p", { class: "muted", "data-key": "empty" }, "Nothing to vote on yet."));
      out.push(
        h(
          "ul",
          { class: "list", "data-key": "items" },
          ex.items.map((item) => {
            const n = dots[item.id] || 0;
            const key = `dot:${item.id}`;
            return h(
              "li",
              { class: "card vote-row" + (n ? " has" : ""), "data-key": key },
              h("p", { class: "q" }, item.text),
              h(
                "div",
                { class: "stepper" },
                h("button", withBusy({ type: "button", class: "round", "data-act": "unvote", "data-item": item.id, disabled: !n, "aria-label": `Take a dot back from: ${item.text}` }, key + ":-"), "−"),
                h(
                  "span",
                  { class: "pips", "aria-label": `${plural(n, "dot")} from you`, role: "img" },
                  range(1, cfg.max_per_item).map((i) => h("span", { class: "pip" + (i <= n ? " on" : "") })),
                  h("span", { class: "pip-n" }, String(n)),
                ),
                h("button", withBusy({ type: "button", class: "round primary", "data-act": "vote", "data-item": item.id, "aria-label": `Give a dot to: ${item.text}` }, key + ":+"), "+"),
              ),
              slot(key),
            );
          }),
        ),
      );
      if (cfg.allow_add) {
        out.push(textForm({ key: `additem:${ex.id}`, label: "Add an item", placeholder: "Something missing from the list?", max: 120, submit: "additem", button: "Add" }));
      }
      return out;
    },
    results(res) {
      const top = Math.max(1, ...res.ranking.map((r) => r.total));
      const voted = res.ranking.filter((r) => r.total > 0);
      const unvoted = res.ranking.filter((r) => r.total === 0);
      return [
        h("p", { class: "muted small", "data-key": "res:n" }, `${plural(res.voters, "person", "people")} spent ${plural(res.dots_used, "dot")}.`),
        h(
          "ol",
          { class: "ranking", "data-key": "res:ranking" },
          voted.map((r, i) =>
            h(
              "li",
              { class: "card rank-row", "data-key": `rank:${r.item}` },
              h("p", { class: "q split" }, h("span", null, h("span", { class: "rank" }, `${i + 1}.`), ` ${r.text}`), h("span", { class: "total" }, plural(r.total, "dot"))),
              stacked(r.by_side, top),
              shareGapLine(r, (a, pa, b, pb) => `${a} gave it ${pa} of its dots, ${b} ${pb}`),
            ),
          ),
        ),
        unvoted.length
          ? h("div", { class: "card", "data-key": "res:unvoted" }, h("p", { class: "q" }, "No dots yet"), h("ul", { class: "plain" }, unvoted.map((r) => h("li", { "data-key": `zero:${r.item}` }, r.text))))
          : null,
      ];
    },
  };

  // poll -------------------------------------------------------------
  KINDS.poll = {
    state(ex, mine) {
      const local = localFor("poll", ex.id);
      if (!local.dirty) {
        local.items = (mine.picked || []).slice();
        local.otherOn = Boolean(mine.other);
        S.drafts.set(`other:${ex.id}`, mine.other || "");
      }
      return local;
    },
    /** A toggle in a multiple-choice poll, a radio in a single-choice one. */
    option(cfg, label, on, attrs) {
      const button = choiceButton(label, on, Object.assign({ class: "pick option" + (on ? " on" : "") }, attrs));
      if (!cfg.multi) {
        button.removeAttribute("aria-pressed");
        button.setAttribute("role", "radio");
        button.setAttribute("aria-checked", on ? "true" : "false");
      }
      return button;
    },
    input(ex, mine) {
      const cfg = ex.config;
      const local = KINDS.poll.state(ex, mine);
      const key = `poll:${ex.id}`;
      const answered = (mine.picked && mine.picked.length) || mine.other;
      const out = [
        h("p", { class: "muted", "data-key": "how", id: "poll-how" }, cfg.multi ? "Pick all that apply, then send." : "Pick one, then send."),
        h(
          "div",
          { class: "options" + (cfg.multi ? "" : " single"), role: cfg.multi ? "group" : "radiogroup", "aria-labelledby": "poll-how", "data-key": "options" },
          ex.items.map((item) => KINDS.poll.option(cfg, item.text, local.items.includes(item.id), { "data-act": "poll-toggle", "data-item": item.id, "data-key": `opt:${item.id}` })),
          cfg.other ? KINDS.poll.option(cfg, "Other (write your own)", local.otherOn, { "data-act": "poll-other", "data-key": "opt:other" }) : null,
        ),
      ];
      if (cfg.other && local.otherOn) {
        const okey = `other:${ex.id}`;
        out.push(
          h(
            "div",
            { class: "text-form", "data-key": "other" },
            h("label", { for: "f-other", class: "field-label" }, "Your own answer"),
            h("input", { id: "f-other", type: "text", maxlength: "280", "data-draft": okey, "data-poll": ex.id, value: S.drafts.get(okey) || "" }),
          ),
        );
      }
      const saved = answered && !local.dirty;
      out.push(
        h(
          "div",
          { class: "submit-row", "data-key": "submit" },
          h("span", { class: "muted small" }, saved ? "Your answer is in. You can change it while the poll is open." : local.dirty ? "Not sent yet." : ""),
          h("button", withBusy({ type: "button", class: "primary", "data-act": "poll-submit", disabled: !local.dirty || busy(key) }, key), saved ? "Sent" : "Send"),
        ),
        slot(key),
      );
      return out;
    },
    results(res) {
      const top = Math.max(1, ...res.options.map((o) => o.total));
      return [
        h("p", { class: "muted small", "data-key": "res:n" }, `${plural(res.respondents, "person", "people")} answered.`),
        res.options.map((o) =>
          h(
            "div",
            { class: "card", "data-key": `res:${o.item}` },
            h("p", { class: "q split" }, h("span", null, o.text), h("span", { class: "total" }, String(o.total))),
            stacked(o.by_side, top, "Nobody picked this"),
            shareGapLine(o, (a, pa, b, pb) => `Picked by ${pa} of ${a}, ${pb} of ${b}`),
          ),
        ),
        res.other.length
          ? h(
              "div",
              { class: "card", "data-key": "res:other" },
              h("p", { class: "q" }, "Other answers"),
              h("ul", { class: "board" }, res.other.map((a, i) => h("li", { class: "idea-card", "data-key": `other:${i}` }, h("span", { class: "idea-text" }, a.text), h("span", { class: "idea-meta" }, chip(a.side))))),
              more(res.other_more, "earlier answer"),
            )
          : null,
      ];
    },
  };

  // allocate ---------------------------------------------------------
  KINDS.allocate = {
    state(ex, mine) {
      const local = localFor("allocate", ex.id);
      if (!local.dirty) local.points = Object.assign({}, mine.points || {});
      return local;
    },
    input(ex, mine) {
      const budget = ex.config.budget;
      const local = KINDS.allocate.state(ex, mine);
      const key = `alloc:${ex.id}`;
      const total = ex.items.reduce((sum, item) => sum + (local.points[item.id] || 0), 0);
      const exact = total === budget;
      const saved = !local.dirty && mine.points && Object.keys(mine.points).length > 0;
      const step = budget >= 50 ? 5 : 1;
      const rows = ex.items.map((item, index) => {
        const v = local.points[item.id] || 0;
        const id = `alloc-${index}`;
        return h(
          "li",
          { class: "card alloc-row", "data-key": `alloc:${item.id}` },
          h("div", { class: "alloc-head" }, h("label", { for: id, class: "q" }, item.text), h("output", { class: "alloc-v", for: id }, String(v))),
          h(
            "div",
            { class: "stepper wide" },
            h("button", { type: "button", class: "round", "data-act": "alloc-step", "data-item": item.id, "data-delta": -step, disabled: v <= 0, "aria-label": `${step} fewer points for: ${item.text}` }, "−"),
            h("input", { id, type: "range", min: "0", max: String(budget), step: "1", value: v, "data-alloc": item.id, "data-exercise": ex.id, "aria-valuetext": `${v} points` }),
            h("button", { type: "button", class: "round", "data-act": "alloc-step", "data-item": item.id, "data-delta": step, disabled: v >= budget, "aria-label": `${step} more points for: ${item.text}` }, "+"),
          ),
        );
      });
      const hint = exact ? (saved ? "Saved. You can change it while this is open." : "Ready to send.") : total < budget ? `${budget - total} points left to place` : `${total - budget} points too many`;
      return [
        h("ul", { class: "list", "data-key": "rows" }, rows),
        h(
          "div",
          { class: "total-bar" + (exact ? " exact" : ""), "data-key": "total" },
          h("p", { class: "total-line", role: "status" }, h("strong", { class: "total-n" }, `${total} / ${budget}`), h("span", { class: "small" }, hint)),
          h("button", withBusy({ type: "button", class: "primary", "data-act": "alloc-submit", disabled: !exact || !local.dirty || busy(key) }, key), saved ? "Sent" : "Send"),
        ),
        slot(key),
      ];
    },
    results(res) {
      const keys = resultKeys((k) => res.items.some((row) => row.share[k] !== null && row.share[k] !== undefined));
      return [
        h("p", { class: "muted small", "data-key": "res:n" }, `Mean share of ${res.budget} points; ${plural(res.respondents, "person", "people")} allocated.`),
        res.items.map((row) =>
          h(
            "div",
            { class: "card", "data-key": `res:${row.item}` },
            h("p", { class: "q" }, row.text),
            keys.map((k) => sideRow(k, (row.share[k] || 0) / 100, row.share[k] === null || row.share[k] === undefined ? "–" : `${Math.round(row.share[k])} %`)),
            shareGapLine(row, (a, pa, b, pb) => `${a} gives it ${pa} of the budget, ${b} ${pb}`),
          ),
        ),
      ];
    },
  };

  // matrix -----------------------------------------------------------
  function matrixGap(row) {
    const [a, b] = sides();
    const where = (side) => row.by_side[side.id].quadrant;
    return `${a.label} sees a ${where(a)}, ${b.label} a ${where(b)}`;
  }

  KINDS.matrix = {
    input(ex, mine) {
      const cfg = ex.config;
      const [ax, ay] = cfg.axes;
      const places = mine.places || {};
      const partial = localFor("matrix", ex.id);
      return [
        h("p", { class: "muted", "data-key": "how" }, `Rate each item for ${ax.toLowerCase()} and ${ay.toLowerCase()}, from 1 (low) to ${cfg.max} (high).`),
        ex.items.map((item, index) => {
          const key = `place:${item.id}`;
          const saved = places[item.id] || [];
          const draft = partial[item.id] || {};
          const x = draft.x || saved[0];
          const y = draft.y || saved[1];
          const qid = `m-${index}`;
          const axis = (name, which, value) =>
            h(
              "div",
              { class: "axis-row", role: "group", "aria-label": `${name} for: ${item.text}` },
              h("span", { class: "axis-name" }, name),
              h(
                "div",
                { class: "scale" },
                range(1, cfg.max).map((v) => choiceButton(String(v), value === v, withBusy({ "data-act": "place", "data-item": item.id, "data-axis": which, "data-value": v, "aria-label": `${name} ${v} of ${cfg.max}` }, `${key}:${which}${v}`))),
              ),
            );
          return h(
            "div",
            { class: "card" + (saved.length ? " has" : ""), "data-key": key, role: "group", "aria-labelledby": qid },
            h("p", { class: "q", id: qid }, item.text),
            axis(ax, "x", x),
            axis(ay, "y", y),
            h("p", { class: "muted small" }, saved.length && !(draft.x || draft.y) ? `Placed: ${ax} ${saved[0]}, ${ay} ${saved[1]}` : x && !y ? `Now pick ${ay.toLowerCase()}.` : y && !x ? `Now pick ${ax.toLowerCase()}.` : ""),
            slot(key),
          );
        }),
      ];
    },
    results(res) {
      const [ax, ay] = res.axes;
      const span = Math.max(1, res.max - 1);
      const seen = new Map();
      const dots = res.items
        .map((row, i) => ({ row, i, p: row.by_side[ALL] }))
        .filter((d) => d.p && d.p.x !== null && d.p.y !== null)
        .map((d) => {
          const spot = `${fmt1(d.p.x)}:${fmt1(d.p.y)}`;
          const dup = seen.get(spot) || 0;
          seen.set(spot, dup + 1);
          const left = ((d.p.x - 1) / span) * 100;
          const bottom = ((d.p.y - 1) / span) * 100;
          return h(
            "span",
            { class: "mdot", "aria-hidden": "true", style: { left: `calc(${left.toFixed(1)}% + ${dup * 8}px)`, bottom: `calc(${bottom.toFixed(1)}% + ${dup * 8}px)` } },
            String(d.i + 1),
          );
        });
      const quad = (name, cls) => h("span", { class: `quad ${cls}` }, name);
      return [
        h(
          "div",
          { class: "matrix-wrap", "data-key": "res:matrix" },
          h("span", { class: "axis-y" }, `${ay} ↑`),
          h(
            "div",
            { class: "matrix", role: "img", "aria-label": `${ax} across, ${ay} up; the list below says where each item landed.` },
            quad("Money pit", "q-tl"),
            quad("Big bet", "q-tr"),
            quad("Fill-in", "q-bl"),
            quad("Quick win", "q-br"),
            h("div", { class: "plot" }, dots),
          ),
          h("span", { class: "axis-x" }, `${ax} →`),
        ),
        h(
          "ol",
          { class: "legend-list", "data-key": "res:legend" },
          res.items.map((row) => {
            const all = row.by_side[ALL];
            const per = sides()
              .filter((s) => row.by_side[s.id] && row.by_side[s.id].quadrant)
              .map((s) => `${s.label}: ${row.by_side[s.id].quadrant}`)
              .join(" · ");
            return h(
              "li",
              { "data-key": `leg:${row.item}` },
              h("span", { class: "q" }, row.text),
              h("span", { class: "small" }, all && all.quadrant ? ` — ${capital(all.quadrant)} (${ax} ${fmt1(all.x)}, ${ay} ${fmt1(all.y)})` : " — not placed yet"),
              per ? h("span", { class: "muted small block" }, per) : null,
              row.flagged ? h("span", { class: "gap flagged block" }, h("span", { class: "badge warn" }, "Gap"), matrixGap(row)) : null,
            );
          }),
        ),
      ];
    },
  };

  function capital(text) {
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
  }

  // ownership --------------------------------------------------------
  KINDS.ownership = {
    input(ex, mine) {
      const choices = ex.config.choices;
      const picked = mine.choices || {};
      return ex.items.map((item, index) => {
        const key = `own:${item.id}`;
        const qid = `o-${index}`;
        return h(
          "div",
          { class: "card" + (item.id in picked ? " has" : ""), "data-key": key, role: "group", "aria-labelledby": qid },
          h("p", { class: "q", id: qid }, item.text),
          h(
            "div",
            { class: "segmented" },
            choices.map((c, i) => choiceButton(c, picked[item.id] === i, withBusy({ "data-act": "own", "data-item": item.id, "data-choice": i, "aria-label": `${c}: ${item.text}` }, `${key}:${i}`))),
          ),
          slot(key),
        );
      });
    },
    results(res) {
      const answered = (k) => res.rows.some((row) => (row.counts[k] || []).some((v) => v > 0));
      const keys = sides()
        .filter((s) => answered(s.id))
        .map((s) => s.id)
        .concat([ALL]);
      return [
        h("p", { class: "muted small", "data-key": "res:n" }, `${plural(res.respondents, "person", "people")} answered; ${plural(res.contested, "row")} contested.`),
        res.rows.map((row) => {
          const all = row.counts[ALL];
          const n = all.reduce((a, b) => a + b, 0);
          if (!n) {
            return h("div", { class: "card", "data-key": `res:${row.item}` }, h("p", { class: "q" }, row.text), h("p", { class: "verdict" }, h("span", { class: "badge warn" }, "Contested"), " No answers yet"));
          }
          return h(
            "div",
            { class: "card", "data-key": `res:${row.item}` },
            h("p", { class: "q" }, row.text),
            h(
              "p",
              { class: "verdict" },
              row.contested
                ? h("span", { class: "badge warn" }, "Contested")
                : h("span", { class: "badge ok" }, `Agreed: ${row.agreed}`),
              ` Consensus ${Math.round(row.consensus * 100)} %`,
            ),
            h(
              "span",
              { class: "track stack-track", "aria-hidden": "true" },
              res.choices.map((c, i) => (all[i] ? h("span", { class: `seg c${i % 4}`, style: { width: `${((all[i] / n) * 100).toFixed(1)}%` } }) : null)),
            ),
            h(
              "table",
              { class: "dist" },
              h("thead", null, h("tr", null, h("th", { scope: "col" }, h("span", { class: "sr" }, "Side")), res.choices.map((c, i) => h("th", { scope: "col" }, h("span", { class: `sw c${i % 4}`, "aria-hidden": "true" }), c)))),
              h(
                "tbody",
                null,
                keys.map((k) => h("tr", null, h("th", { scope: "row" }, sideLabel(k)), (row.counts[k] || []).map((v) => h("td", null, String(v))))),
              ),
            ),
          );
        }),
      ];
    },
  };

  // initiatives ------------------------------------------------------
  KINDS.initiatives = {
    input(ex, mine) {
      const volunteered = new Set(mine.volunteered || []);
      const comments = mine.comments || [];
      const res = ex.results;
      const backing = new Map();
      if (res) for (const t of res.initiatives.concat(res.candidates)) backing.set(t.id, t);
      const card = (id, title, details, count) => {
        const key = `champ:${id}`;
        const on = volunteered.has(id);
        const t = backing.get(id);
        const champs = t ? t.champions : [];
        const n = typeof count === "number" ? count : champs.length;
        return h(
          "li",
          { class: "card initiative" + (on ? " has" : ""), "data-key": `t:${id}` },
          h("p", { class: "q" }, title),
          details,
          h(
            "p",
            { class: "champions" },
            plural(n, "champion"),
            champs.length ? ": " : "",
            champs.map((c) => h("span", { class: `chip ${sideClass(c.side)}` }, c.name || sideLabel(c.side))),
          ),
          h(
            "button",
            withBusy({ type: "button", class: "toggle" + (on ? " on" : ""), "aria-pressed": on ? "true" : "false", "data-act": "volunteer", "data-target": id, "aria-label": `I'll champion: ${title}` }, key),
            on ? "✓ I'm a champion" : "I'll champion this",
          ),
          slot(key),
          t && t.comments.length
            ? h(
                "ul",
                { class: "comments" },
                t.comments.map((c, i) => h("li", { "data-key": `c:${i}` }, h("span", null, c.text), " ", h("span", { class: `chip ${sideClass(c.side)}` }, c.name || sideLabel(c.side)))),
              )
            : comments.filter((c) => c.target === id).length
              ? h("ul", { class: "comments" }, comments.filter((c) => c.target === id).map((c, i) => h("li", { "data-key": `c:${i}` }, h("span", null, c.text), " ", h("span", { class: "chip sx" }, "You"))))
              : null,
          textForm({ key: `comment:${id}`, label: "Add a comment", placeholder: "What would make this work?", max: 280, submit: "comment", button: "Send" }),
        );
      };
      const drafted = ex.initiatives || [];
      const out = [];
      if (drafted.length) {
        out.push(h("h2", { "data-key": "h-drafted" }, "Joint initiatives"));
        out.push(
          h(
            "ul",
            { class: "list", "data-key": "drafted" },
            drafted.map((i) => card(i.id, i.title, initiativeDetails(i), i.champions)),
          ),
        );
      }
      if (ex.items.length) {
        out.push(h("h2", { "data-key": "h-cands" }, drafted.length ? "Other candidates" : "Candidates"));
        out.push(h("ul", { class: "list", "data-key": "cands" }, ex.items.map((item) => card(item.id, item.text, null))));
      }
      if (!out.length) out.push(h("p", { class: "muted", "data-key": "empty" }, "The facilitator is drafting the initiatives. They appear here as they are written."));
      return out;
    },
    results(res, ex) {
      const drafted = new Map((ex.initiatives || []).map((i) => [i.id, i]));
      const card = (t) =>
        h(
          "li",
          { class: "card", "data-key": `res:${t.id}` },
          h("p", { class: "q" }, t.title),
          drafted.has(t.id) ? initiativeDetails(drafted.get(t.id)) : null,
          h("p", { class: "champions" }, plural(t.champions.length, "champion"), t.champions.length ? ": " : "", t.champions.map((c) => h("span", { class: `chip ${sideClass(c.side)}` }, c.name || sideLabel(c.side)))),
          t.comments.length ? h("ul", { class: "comments" }, t.comments.map((c, i) => h("li", { "data-key": `c:${i}` }, h("span", null, c.text), " ", h("span", { class: `chip ${sideClass(c.side)}` }, c.name || sideLabel(c.side))))) : null,
          more(t.comments_more, "earlier comment"),
        );
      return [
        res.initiatives.length ? h("p", { class: "muted small", "data-key": "res:n" }, `${plural(res.initiatives.length, "initiative")}: ${res.agreed} agreed, ${res.parked} parked.`) : null,
        res.initiatives.length ? h("ul", { class: "list", "data-key": "res:inits" }, res.initiatives.map(card)) : null,
        res.candidates.length ? h("h3", { "data-key": "res:h-cands" }, "Candidates") : null,
        res.candidates.length ? h("ul", { class: "list", "data-key": "res:cands" }, res.candidates.map(card)) : null,
      ];
    },
  };

  function initiativeDetails(i) {
    const status = { draft: "Draft", agreed: "Agreed", parked: "Parked" }[i.status] || i.status;
    const rows = [
      ["Customer outcome", i.outcome],
      ["Shared KPI", [i.kpi, i.target].filter(Boolean).join(" — target: ")],
      ["Time frame", i.timeframe],
      ["IT lead", i.it_lead],
      ["Marketing lead", i.marketing_lead],
      ["First step", i.first_step],
    ].filter((r) => r[1]);
    return h(
      "div",
      { class: "details" },
      h("span", { class: `badge status-${i.status}` }, status),
      rows.length ? h("dl", null, rows.map(([k, v]) => [h("dt", null, k), h("dd", null, v)])) : null,
    );
  }

  // ------------------------------------------------------------------ actions

  function exercise() {
    return S.room && S.room.exercise;
  }

  const ACTIONS = {
    join(el) {
      join(el.dataset.side);
    },
    rate(el) {
      const ex = exercise();
      const item = el.dataset.item;
      const value = Number(el.dataset.value);
      act({ type: "rate", exercise: ex.id, item, value }, `rate:${item}`, { mark: `rate:${item}:${value}` });
    },
    edit(el) {
      const idea = ((S.mine && S.mine.ideas) || []).find((i) => i.id === el.dataset.idea);
      if (!idea) return;
      S.editing = idea.id;
      S.drafts.set(`ideaedit:${idea.id}`, idea.text);
      S.focusNext = `ideaedit:${idea.id}`;
    },
    "cancel-edit"() {
      if (S.editing) S.drafts.delete(`ideaedit:${S.editing}`);
      S.editing = null;
    },
    withdraw(el) {
      const key = `withdraw:${el.dataset.idea}`;
      if (!(S.confirming && S.confirming.key === key)) {
        S.confirming = { key, until: Date.now() + 4000 };
        return;
      }
      S.confirming = null;
      act({ type: "withdraw_idea", exercise: exercise().id, idea: el.dataset.idea }, key);
    },
    vote(el) {
      act({ type: "vote", exercise: exercise().id, item: el.dataset.item }, `dot:${el.dataset.item}`, { mark: `dot:${el.dataset.item}:+` });
    },
    unvote(el) {
      act({ type: "unvote", exercise: exercise().id, item: el.dataset.item }, `dot:${el.dataset.item}`, { mark: `dot:${el.dataset.item}:-` });
    },
    "poll-toggle"(el) {
      const ex = exercise();
      const local = localFor("poll", ex.id);
      const item = el.dataset.item;
      const on = local.items.includes(item);
      if (ex.config.multi) {
        local.items = on ? local.items.filter((i) => i !== item) : local.items.concat([item]);
      } else {
        local.items = on ? [] : [item];
        if (!on) local.otherOn = false;
      }
      local.dirty = true;
    },
    "poll-other"() {
      const ex = exercise();
      const local = localFor("poll", ex.id);
      local.otherOn = !local.otherOn;
      if (local.otherOn && !ex.config.multi) local.items = [];
      if (local.otherOn) S.focusNext = `other:${ex.id}`;
      local.dirty = true;
    },
    "poll-submit"() {
      const ex = exercise();
      const local = localFor("poll", ex.id);
      const other = local.otherOn ? (S.drafts.get(`other:${ex.id}`) || "").trim() : "";
      act({ type: "pick", exercise: ex.id, items: local.items.slice(), other }, `poll:${ex.id}`, {
        onAck() {
          local.dirty = false;
        },
      });
    },
    "alloc-step"(el) {
      const ex = exercise();
      const local = localFor("allocate", ex.id);
      const item = el.dataset.item;
      const budget = ex.config.budget;
      const v = Math.max(0, Math.min(budget, (local.points[item] || 0) + Number(el.dataset.delta)));
      local.points[item] = v;
      local.dirty = true;
    },
    "alloc-submit"() {
      const ex = exercise();
      const local = localFor("allocate", ex.id);
      const points = {};
      for (const item of ex.items) points[item.id] = local.points[item.id] || 0;
      act({ type: "allocate", exercise: ex.id, points }, `alloc:${ex.id}`, {
        onAck() {
          local.dirty = false;
        },
      });
    },
    place(el) {
      const ex = exercise();
      const item = el.dataset.item;
      const partial = localFor("matrix", ex.id);
      const saved = ((S.mine && S.mine.places) || {})[item] || [];
      const draft = Object.assign({ x: saved[0], y: saved[1] }, partial[item] || {});
      draft[el.dataset.axis] = Number(el.dataset.value);
      partial[item] = draft;
      if (draft.x && draft.y) {
        act({ type: "place", exercise: ex.id, item, x: draft.x, y: draft.y }, `place:${item}`, {
          mark: `place:${item}:${el.dataset.axis}${el.dataset.value}`,
          onAck() {
            delete partial[item];
          },
        });
      }
    },
    own(el) {
      const item = el.dataset.item;
      act({ type: "choose_owner", exercise: exercise().id, item, choice: Number(el.dataset.choice) }, `own:${item}`, { mark: `own:${item}:${el.dataset.choice}` });
    },
    volunteer(el) {
      const target = el.dataset.target;
      const on = !((S.mine && S.mine.volunteered) || []).includes(target);
      act({ type: "volunteer", exercise: exercise().id, target, on }, `champ:${target}`);
    },
  };

  const SUBMITS = {
    idea() {
      const ex = exercise();
      const key = `idea:${ex.id}`;
      const text = (S.drafts.get(key) || "").trim();
      if (!text) return;
      act({ type: "submit_idea", exercise: ex.id, text }, key, {
        onAck() {
          if ((S.drafts.get(key) || "").trim() === text) clearDraft(key);
        },
      });
    },
    edit() {
      const ex = exercise();
      const idea = S.editing;
      const key = `ideaedit:${idea}`;
      const text = (S.drafts.get(key) || "").trim();
      if (!idea || !text) return;
      act({ type: "edit_idea", exercise: ex.id, idea, text }, key, {
        onAck() {
          if (S.editing === idea) S.editing = null;
          S.drafts.delete(key);
        },
      });
    },
    additem() {
      const ex = exercise();
      const key = `additem:${ex.id}`;
      const text = (S.drafts.get(key) || "").trim();
      if (!text) return;
      act({ type: "add_item", exercise: ex.id, text }, key, {
        onAck() {
          clearDraft(key);
        },
      });
    },
    comment(form) {
      const ex = exercise();
      const key = form.dataset.key.slice("form:".length);
      const target = key.slice("comment:".length);
      const text = (S.drafts.get(key) || "").trim();
      if (!text) return;
      act({ type: "comment", exercise: ex.id, target, text }, key, {
        onAck() {
          clearDraft(key);
          note(key, "Comment sent.", "ok");
        },
      });
    },
  };

  /** Empty a text field even if it has focus (the morph leaves focused fields alone). */
  function clearDraft(key) {
    S.drafts.set(key, "");
    const el = document.querySelector(`[data-draft="${CSS.escape(key)}"]`);
    if (el) el.value = "";
  }

  document.addEventListener("click", (event) => {
    const el = event.target.closest("[data-act]");
    if (!el || el.disabled || !S.room && el.dataset.act !== "join") return;
    const handler = ACTIONS[el.dataset.act];
    if (!handler) return;
    event.preventDefault();
    handler(el);
    render();
  });

  document.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const handler = SUBMITS[form.dataset.submit];
    if (handler && S.room) {
      const button = form.querySelector("button[type=submit]");
      if (button && button.disabled) return;
      handler(form);
      render();
    }
  });

  document.addEventListener("input", (event) => {
    const el = event.target;
    if (el.dataset.draft) {
      S.drafts.set(el.dataset.draft, el.value);
      if (el.dataset.poll) localFor("poll", el.dataset.poll).dirty = true;
      render();
    } else if (el.dataset.alloc) {
      const local = localFor("allocate", el.dataset.exercise);
      local.points[el.dataset.alloc] = Number(el.value);
      local.dirty = true;
      render();
    }
  });

  // Ctrl/⌘+Enter sends a multi-line idea; plain Enter keeps adding lines.
  document.addEventListener("keydown", (event) => {
    const el = event.target;
    if (el.tagName === "TEXTAREA" && event.key === "Enter" && (event.ctrlKey || event.metaKey) && el.form && el.form.requestSubmit) {
      event.preventDefault();
      el.form.requestSubmit();
    }
  });

  window.addEventListener("online", reconnectNow);
  window.addEventListener("offline", () => {
    if (!S.greeted) setConn("offline");
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      if (!S.ws) reconnectNow();
      else if (S.greeted) {
        // Timers slept with the screen: give the socket a few seconds to prove it lives.
        S.lastHeard = Math.max(S.lastHeard, Date.now() - SILENCE_LIMIT + 5000);
        sendFrame({ type: "ping" });
      }
    }
  });

  window.setInterval(tick, 1000);
  window.setInterval(() => {
    if (S.greeted) sendFrame({ type: "ping" });
  }, PING_EVERY);

  render();
  if (S.code) connect();
  else setConn("closed");
})();
