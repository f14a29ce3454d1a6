/* What the page knows: the one state object `S`, and small queries on it.
 *
 * The connection (net.js) writes what the room said; the controls write what this
 * person chose and has not sent yet; the renderers read it. Nothing here touches
 * the network or draws.
 */

/** The side key of a result row that counts everyone. */
export const ALL = "all";
/** How long a note under a control, or a toast, stays up (ms). */
export const NOTE_MS = 6000;
export const TOKEN_KEY = "commonground.token.";
export const NAME_KEY = "commonground.name";
export const DRAFTS_KEY = "commonground.drafts.";

/** Text typed and not sent yet, kept in this tab's session storage as it is typed:
 *  a reload (or the phone's browser dropping the page in the background) loses none. */
class Drafts extends Map {
  constructor(storageKey) {
    super();
    this.storageKey = storageKey;
    try {
      const kept = JSON.parse(window.sessionStorage.getItem(storageKey) || "{}");
      for (const [key, text] of Object.entries(kept)) if (typeof text === "string") super.set(key, text);
    } catch (err) {
      /* storage disabled or damaged: start empty */
    }
  }

  set(key, text) {
    super.set(key, text);
    this.keep();
    return this;
  }

  delete(key) {
    const had = super.delete(key);
    this.keep();
    return had;
  }

  keep() {
    try {
      const typed = Object.fromEntries([...this].filter(([, text]) => text));
      window.sessionStorage.setItem(this.storageKey, JSON.stringify(typed));
    } catch (err) {
      /* private mode or full: the drafts live as long as the page */
    }
  }
}

export const S = {
  code: roomCodeFromUrl(),
  token: null,
  me: null,
  header: null, // {title, organisation, sides}
  room: null, // latest view.room
  roomAt: 0, // performance.now() when `room` arrived, for the timer
  mine: null, // latest own inputs (view.mine or ack.mine)
  seq: 0,
  joined: false,
  joinReason: null, // why this phone must join again, as the room said it (see `say`)
  fatal: "", // a reason the page cannot go on (wrong room code, old page)
  conn: "connecting",
  ws: null,
  greeted: false,
  attempt: 0,
  everConnected: false,
  lastHeard: 0,
  probedAt: 0, // when the heartbeat last asked a silent socket (net.js)
  savedFor: null, // the exercise whose last input the room acknowledged: "Saved ✓"
  announced: null, // the exercise whose results were last announced to a screen reader
  commenting: null, // the initiative card whose comment form is open (kinds/initiatives.js)
  timeWatched: null, // the countdown this page saw running above zero (core.js)
  timeTold: null, // … and whose end it has said
  profileOpen: false, // the name-and-team form is showing (core.js)
  profileWhy: null, // why it was opened for the person ("champion": a named exercise wants a name), if it was
  retryTimer: 0,
  pending: new Map(), // id → {frame, key, mark, sentAt, onAck, onRefuse}
  pendingJoin: null, // {id, frame}
  notes: new Map(), // control key → {text, tone, until}
  drafts: null, // text field key → typed text (Drafts, below)
  local: {}, // per-exercise local choices not yet sent (see localFor)
  confirming: null, // {key, until}: a destructive button waiting for a second tap
  screenKey: "",
  focusNext: null,
};
S.token = storageGet(TOKEN_KEY + S.code);
S.drafts = new Drafts(DRAFTS_KEY + S.code);

function roomCodeFromUrl() {
  const code = (new URLSearchParams(location.search).get("room") || "").trim().toUpperCase();
  return /^[A-Z0-9]{1,32}$/.test(code) ? code : "";
}

export function storageGet(key) {
  try {
    return window.localStorage.getItem(key);
  } catch (err) {
    return null; // storage disabled: the phone simply joins again after a reload
  }
}

export function storageSet(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch (err) {
    /* private mode or full: not fatal */
  }
}

/** A command id: 32 hex characters from the CSPRNG (works in insecure contexts). */
export function newId() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Show `text` under the control group `key` for a few seconds (tone: error, info, ok). */
export function note(key, text, tone) {
  S.notes.set(key, { text, tone: tone || "error", until: Date.now() + NOTE_MS });
}

/** Whether a command marked `mark` is waiting for its answer. */
export function busy(mark) {
  for (const entry of S.pending.values()) if (entry.mark === mark) return true;
  return false;
}

/** A kind's choices on one exercise that are not sent yet (kept across renders). */
export function localFor(kind, exId) {
  const key = `${kind}:${exId}`;
  if (!S.local[key]) S.local[key] = {};
  return S.local[key];
}
