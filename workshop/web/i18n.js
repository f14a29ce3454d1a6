/* The page's words, looked up by key, and the number formats.
 *
 * `t(key, vars)` returns the sentence for `key` with `{name}` filled in from
 * `vars`. There is one table, English, for now; a catalogue for another language
 * would be a second table of the same keys, chosen once at start-up, so nothing
 * else in the page has to change. A key missing from the table is an error in the
 * console (the browser tests fail on it) and shows as the key itself.
 *
 * The core (connection, bar, join, waiting and exercise frame) speaks through
 * `t`; the kinds' modules still hold their own English inline.
 */

const EN = {
  // the bar and the connection
  "app.name": "Common Ground",
  "bar.anonymous": "Anonymous",
  "conn.connecting": "Connecting…",
  "conn.connected": "Connected",
  "conn.reconnecting": "Reconnecting…",
  "conn.offline": "Offline",
  "conn.closed": "Not connected",
  "conn.banner.offline": "This phone is offline. Your answers are kept and sent when it is back.",
  "conn.banner.lost": "Lost the connection to the room. Reconnecting… your answers are kept.",
  "net.queued": "Not connected: this will be sent when the connection is back.",
  "net.join-queued": "Not connected yet: you will join as soon as the connection is back.",
  "net.code-expired": "This room code is not valid any more. Scan the QR code on the facilitator's screen again.",
  "net.refused": "That was not accepted.",
  "net.outdated": "This page is out of date. Reload it to continue.",
  "net.error": "Something went wrong. Reload the page if it keeps happening.",
  // screens before the room
  "nocode.lead": "Scan the QR code on the facilitator's screen to join the workshop.",
  "nocode.hint": "The link needs the room code at the end, like …/?room=ABC234.",
  "fatal.title": "Cannot join",
  "connecting.first": "Connecting to the room…",
  "connecting.again": "Trying to reach the room…",
  "connecting.hint": "Check that this phone is on the same Wi-Fi as the facilitator's laptop, or scan the QR code again.",
  "loading.lead": "Loading the room…",
  // joining
  "join.eyebrow": "Join the workshop",
  "join.name": "Your name ",
  "join.optional": "(optional)",
  "join.placeholder": "Leave blank to stay anonymous",
  "join.name-use": "Your name is shown only where an exercise says so (like volunteering to champion an initiative); elsewhere answers show your team or nobody.",
  "join.side": "Which team are you in?",
  // an exercise
  "agenda.ready": "The joint agenda is ready.",
  "agenda.open": "Open it",
  "agenda.download": "Download",
  "step": "Step {step} of {steps}",
  "timer.label": "Time left",
  "timer.up": "Time's up",
  "timer.paused": "Paused {time}",
  "exercise.closed": "Closed",
  "pending.eyebrow": "Next up",
  "pending.lead": "The facilitator will open it in a moment. Keep this page open.",
  "pending.present": "{people} in the room.",
  "done.one": "{done} of {present} has {verb}",
  "done.many": "{done} of {present} have {verb}",
  "done.verb": "answered",
  "identity.anonymous": "Anonymous: nobody, not even the facilitator, sees who answered.",
  "identity.side": "Shown with your team, never your name.",
  "identity.named": "Your name will appear with your answer in the joint agenda.",
  "kind.unknown": "This page cannot show this exercise. Reload it.",
  "results.live": "The room so far",
  "results.eyebrow": "Results",
  "thanks.lead": "Thanks — waiting for the facilitator.",
  "thanks.hint": "The results appear here when they are shown to the room.",
  // shared pieces of results
  "side.all": "Everyone",
  "side.facilitator": "Facilitator",
  "results.none": "None yet",
  "results.more": "+ {count} not shown",
  "list.and": "and",
  "withheld.one": "{sides}: fewer than {k} answers, so its figures are not shown.",
  "withheld.many": "{sides}: fewer than {k} answers each, so their figures are not shown.",
  "gap.badge": "Gap",
  // the projector
  "screen.scan": "Scan the code with your phone's camera to join. No app, no account.",
  "screen.code": "Room code",
  "screen.joined": "{people} joined",
  "screen.qr": "QR code to join the workshop",
  "screen.corner": "Join: room code {code}",
  "screen.next": "Starting in a moment.",
  "screen.answering": "Answer on your phone. The results show here when the facilitator reveals them.",
  "screen.hidden": "The results show here when the facilitator reveals them.",
  "screen.reconnecting": "Reconnecting to the room…",
  "screen.nokey": "This page needs the link from the facilitator's lobby.",
};

/** The sentence for `key`, with each `{name}` replaced by `vars[name]`. */
export function t(key, vars) {
  let text = EN[key];
  if (text === undefined) {
    console.error(`No text for "${key}"`);
    text = key;
  }
  return vars ? text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole)) : text;
}

/** "IT", "IT and Marketing", "IT, Marketing and Other". */
export function listOf(items) {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${t("list.and")} ${items[items.length - 1]}`;
}

/** "1 idea", "3 ideas"; `many` when the plural is not `one` + "s". */
export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many || one + "s"}`;
}

/** A mean to one decimal, or "–" when there is none. */
export function fmt1(x) {
  return x === null || x === undefined ? "–" : (Math.round(x * 10) / 10).toFixed(1);
}

/** A change to one decimal with its sign: "+0.5", "−1.0", "±0.0". */
export function signed(x) {
  if (x === null || x === undefined) return "–";
  const r = Math.round(x * 10) / 10;
  return (r > 0 ? "+" : r < 0 ? "−" : "±") + Math.abs(r).toFixed(1);
}
