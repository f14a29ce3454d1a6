/* The page's words, in the language of the person holding the phone, and its
 * numbers in that language's format.
 *
 * What a caller must know:
 *
 * - The words live in catalogues, one JSON file per language (`i18n/en.json`,
 *   `de.json`, `fr.json`, `es.json`), the same keys in each; English is the
 *   reference. This module starts loading the one it needs as soon as it is
 *   imported; `ready` settles once it is in. A page draws nothing before then
 *   (core.js and screen.js start on `ready`), so its first drawing is already in
 *   its language. (Not a top-level await: older phones' browsers lack it.)
 * - The language: `?lang=xx` in the page's address, else the one this phone
 *   chose on the join screen (remembered in localStorage), else the first of
 *   the browser's languages (`navigator.languages`) the page speaks, else English.
 *   `useLanguage` switches at any time; the caller redraws.
 * - `t(key, vars)` is a sentence with each `{name}` filled in; a number among
 *   `vars` is written the language's way ("1,000" / "1.000"). `plural(n, key)`
 *   picks `key.one`, `key.other`, … by Intl.PluralRules (never English "+s").
 *   A key missing from the catalogue is an error in the console (the browser
 *   tests fail on it) and shows as the key itself.
 * - `say(msg)` is a sentence from the room (a refusal, an error, the door's
 *   answer) in the page's language: the room sends its `key` and `args` beside
 *   the English `reason` (workshop/sentences.py); the catalogue's `server.<key>`
 *   says it, and where the catalogue has no such key the English `reason` does.
 * - `fmt1`, `signed`, `pct`, `num`, `ordinal` format numbers with Intl in the
 *   page's language: a mean of 3.4 is "3.4" in English and "3,4" in German.
 * - Text from the template (titles, prompts, statements, options, rows, choices,
 *   labels, axes) is the facilitator's: `localise(ex)` swaps in the template's own
 *   translation for this language where the room sent one (`ex.i18n`, see
 *   workshop/views.py), and leaves everything else as written. Text from people
 *   (ideas, comments, added items) is never translated.
 */

/** The languages the page speaks, each named in its own language (the switcher
 *  shows these names whatever the page's language, so they are not in the catalogues). */
export const LANGUAGES = Object.freeze({ en: "English", de: "Deutsch", fr: "Français", es: "Español" });
const FALLBACK = "en";
const CHOICE_KEY = "commonground.lang";
/** Languages that keep a noun's capital inside a sentence ("Wähle jetzt Aufwand"). */
const CAPITAL_NOUNS = new Set(["de"]);

let lang = FALLBACK;
let words = {};
let numbers = null;
let decimals = null;
let percents = null;
let cardinals = null;
let ordinals = null;
let lists = null;

/** The page's language now: "en", "de", "fr" or "es". */
export function language() {
  return lang;
}

/** "de" for "de-AT", "de_CH" or "DE"; null for a language the page does not speak. */
export function supported(tag) {
  if (typeof tag !== "string" || !tag) return null;
  const base = tag.trim().toLowerCase().split(/[-_]/)[0];
  return Object.prototype.hasOwnProperty.call(LANGUAGES, base) ? base : null;
}

function remembered() {
  try {
    return window.localStorage.getItem(CHOICE_KEY);
  } catch (err) {
    return null; // storage disabled: the browser's languages decide
  }
}

/** The language this page should speak (see the module's notes for the order). */
export function chooseLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  const browser = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
  for (const tag of [asked, remembered(), ...browser]) {
    const code = supported(tag);
    if (code) return code;
  }
  return FALLBACK;
}

async function catalogue(code) {
  const response = await window.fetch(`/i18n/${code}.json`);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/**
 * Speak `code` from now on: load its catalogue (English if it cannot be had),
 * set the formats and `<html lang>`. With `remember`, this phone keeps the choice
 * for its next visits. The caller redraws.
 */
export async function useLanguage(code, remember) {
  let chosen = supported(code) || FALLBACK;
  let table;
  try {
    table = await catalogue(chosen);
  } catch (err) {
    console.error(`The ${chosen} catalogue did not load (${err}); the page falls back to English.`);
    chosen = FALLBACK;
    table = await catalogue(FALLBACK);
  }
  words = table;
  lang = chosen;
  numbers = new Intl.NumberFormat(lang);
  decimals = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  // Half to even, as the room rounds the figures of its own gap sentences.
  percents = new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0, roundingMode: "halfEven" });
  // Plural rules and list formats came to phones' browsers later than the rest of Intl.
  cardinals = Intl.PluralRules ? new Intl.PluralRules(lang) : { select: (n) => (n === 1 ? "one" : "other") };
  ordinals = Intl.PluralRules ? new Intl.PluralRules(lang, { type: "ordinal" }) : { select: () => "other" };
  lists = Intl.ListFormat ? new Intl.ListFormat(lang === "en" ? "en-GB" : lang, { type: "conjunction" }) : null; // "a, b and c"
  document.documentElement.lang = lang;
  if (remember) {
    try {
      window.localStorage.setItem(CHOICE_KEY, lang);
    } catch (err) {
      /* private mode or full: the choice lasts until the page is closed */
    }
  }
}

/** Whether the catalogue has `key`. */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(words, key);
}

function fill(text, vars) {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? show(vars[name]) : whole));
}

function show(value) {
  return typeof value === "number" ? numbers.format(value) : String(value);
}

function lookup(key) {
  if (has(key)) return words[key];
  console.error(`No text for "${key}"`);
  return key;
}

/** The sentence for `key`, with each `{name}` replaced by `vars[name]` (numbers formatted). */
export function t(key, vars) {
  return fill(lookup(key), vars);
}

/**
 * A sentence from the room in the page's language: `server.<msg.key>` with
 * `msg.args` filled in, or, when the catalogue has no such key (a room newer than
 * this page, a sentence only the facilitator gets), the room's English
 * `msg.reason`; `fallback` when there is neither — never a bare key. The args are
 * data (a title, a number) and come back as plain text: the caller puts the
 * sentence in a text node or `textContent`, never in markup.
 */
export function say(msg, fallback) {
  const key = msg && typeof msg.key === "string" ? msg.key : "";
  if (key && has(`server.${key}`)) {
    const args = msg.args && typeof msg.args === "object" ? msg.args : {};
    return t(`server.${key}`, args);
  }
  return (msg && typeof msg.reason === "string" && msg.reason) || fallback || "";
}

/**
 * The sentence for `key` as pieces for `h`: its text around each `{name}`, and
 * `vars[name]` itself where it stands — so an element (a bold count) can sit in a
 * translated sentence wherever that language puts it.
 */
export function tx(key, vars) {
  const out = [];
  const text = lookup(key);
  let at = 0;
  for (const found of text.matchAll(/\{(\w+)\}/g)) {
    if (found.index > at) out.push(text.slice(at, found.index));
    const value = vars && found[1] in vars ? vars[found[1]] : found[0];
    out.push(typeof value === "number" ? numbers.format(value) : value);
    at = found.index + found[0].length;
  }
  if (at < text.length) out.push(text.slice(at));
  return out;
}

/** The key for `n` things: `key.one`, `key.few`, … as the language's plural rules
 *  say, `key.other` when the catalogue has no form of its own for that category. */
function form(key, n, rules) {
  const exact = `${key}.${rules.select(n)}`;
  return has(exact) ? exact : `${key}.other`;
}

/** "1 idea", "3 ideas", "2 Ideen": `key.<category>` with `{n}` (and `vars`) filled in. */
export function plural(n, key, vars) {
  return t(form(key, n, cardinals), Object.assign({ n }, vars));
}

/** `plural` as pieces for `h` (see `tx`); `shown` stands for `{n}` when given. */
export function pluralx(n, key, vars, shown) {
  return tx(form(key, n, cardinals), Object.assign({ n: shown === undefined ? n : shown }, vars));
}

/** "1st", "2nd" / "1.", "2." / "1er", "2e": a place in a ranking. */
export function ordinal(n) {
  return t(form("ordinal", n, ordinals), { n });
}

/** "IT", "IT and Marketing", "IT, Marketing and Other" in the page's language. */
export function listOf(items) {
  return lists ? lists.format(items.map(String)) : items.join(", ");
}

/** A count or a whole number, the language's way ("1,000" / "1.000" / "1 000"). */
export function num(x) {
  return x === null || x === undefined ? "–" : numbers.format(x);
}

/** A mean to one decimal ("3.4", "3,4"), or "–" when there is none. */
export function fmt1(x) {
  return x === null || x === undefined ? "–" : decimals.format(Math.round(x * 10) / 10);
}

/** A change to one decimal with its sign: "+0.5", "−1.0", "±0.0" ("+0,5" in German). */
export function signed(x) {
  if (x === null || x === undefined) return "–";
  const r = Math.round(x * 10) / 10;
  return (r > 0 ? "+" : r < 0 ? "−" : "±") + decimals.format(Math.abs(r));
}

/** Percentage points (40 for 40 %) as the language writes a percentage: "40%", "40 %". */
export function pct(points) {
  return points === null || points === undefined ? "–" : percents.format(points / 100);
}

/** A share drawn beside a bar: the whole number with the catalogue's percent sign. */
export function share(points) {
  return points === null || points === undefined ? "–" : t("share", { n: Math.round(points) });
}

/** A name from the template inside a sentence ("Now pick effort."): lower case,
 *  except in a language that capitalises nouns. */
export function inSentence(text) {
  return CAPITAL_NOUNS.has(lang) ? text : String(text).toLocaleLowerCase(lang);
}

// ------------------------------------------------------------------ template text

/** The template's own translation of this exercise into the page's language, if any. */
function ownWords(ex) {
  return (ex && ex.i18n && ex.i18n[lang]) || null;
}

/** An item's text in the page's language: the template's translation of a fixed
 *  item (by its id), else `text` as it is. */
export function itemText(ex, id, text) {
  const own = ownWords(ex);
  return own && own.items && typeof own.items[id] === "string" ? own.items[id] : text;
}

/** A list of the exercise's config (`labels`, `choices`, `axes`) in the page's language. */
function ownList(own, name, list) {
  const translated = own && own[name];
  return Array.isArray(translated) && Array.isArray(list) && translated.length === list.length ? translated : list;
}

/**
 * The exercise as this phone shows it: title, prompt, fixed items and the
 * config's lists in the template's translation for the page's language, where
 * there is one. A shallow copy; `ex` itself is left as the room sent it.
 */
export function localise(ex) {
  const own = ownWords(ex);
  if (!own) return ex;
  const config = Object.assign({}, ex.config);
  for (const name of ["labels", "choices", "axes"]) {
    if (name in config) config[name] = ownList(own, name, config[name]);
  }
  return Object.assign({}, ex, {
    title: own.title || ex.title,
    prompt: own.prompt || ex.prompt,
    config,
    items: (ex.items || []).map((item) => Object.assign({}, item, { text: itemText(ex, item.id, item.text) })),
  });
}

/** Settles once the page's catalogue is in (see the module's notes). */
export const ready = useLanguage(chooseLanguage(), false);
