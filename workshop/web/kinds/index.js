/* Every activity kind the phone page can show, by the name the server gives it
 * (the keys of `workshop.activities.KINDS`).
 *
 * A kind is one module beside this one, `kinds/<name>.js`, which exports:
 *
 *   name               the kind, as the server names it
 *   labels             its words for the core: `done` names how "3 of 8 have …"
 *                      ends, as the catalogues' `done.<done>.one/.other` say it
 *   input(ex, mine)    the controls while the exercise is open
 *   results(res, ex)   the room's result, whenever the server sends one
 *
 * and, when it has them:
 *
 *   actions            {"<data-act>": (button, ex) => …} for its buttons
 *   submits            {"<data-submit>": (form, ex) => …} for its forms
 *   onInput(el)        an input event in its controls; true when it changed something
 *   resultsWhileOpen   false when `input` already shows the live result
 *
 * Every word a kind shows comes from the catalogues through `t` / `plural` (i18n.js),
 * every number through its formats; the exercise reaches `input` and `results`
 * already in the template's translation for the page's language where it has one
 * (`localise`), and a result row's item text goes through `itemText(ex, id, text)`.
 *
 * Renderers return nodes built with `h` (participant text as text nodes only);
 * handlers change the page's state or send a command with `act`, and the core
 * redraws after each. Handlers are looked up in the kind of the exercise on screen,
 * so two kinds may use the same action names.
 *
 * Adding a kind: write `kinds/<name>.js`; nothing here changes. The room serves
 * `kinds/all.js`, one `export * as <name>` line per kind the server's registry has
 * (workshop/page.py, `kinds_module`), and will not start while a kind has no module
 * here. The page checks each module's shape when it loads (a missing surface is a
 * console error, which fails the browser tests). A kind draws with the core's
 * components (ui.js, sides.js and the classes in style.css); a look no kind had
 * before becomes a component there, for the next kind too.
 */

import * as modules from "./all.js";

const SURFACES = { name: "string", labels: "object", input: "function", results: "function" };
const OPTIONAL = { actions: "object", submits: "object", onInput: "function", resultsWhileOpen: "boolean" };

function register(modules) {
  const kinds = {};
  for (const kind of modules) {
    const where = `kinds/${kind.name}.js`;
    for (const [surface, type] of Object.entries(SURFACES)) {
      if (typeof kind[surface] !== type) console.error(`${where} exports no ${surface} (${type})`);
    }
    for (const [surface, type] of Object.entries(OPTIONAL)) {
      if (kind[surface] !== undefined && typeof kind[surface] !== type) console.error(`${where}: ${surface} should be a ${type}`);
    }
    if (!kind.labels || typeof kind.labels.done !== "string") console.error(`${where} has no labels.done`);
    if (kind.name in kinds) console.error(`${where}: two modules name the kind ${kind.name}`);
    kinds[kind.name] = kind;
  }
  return Object.freeze(kinds);
}

/** The kinds by name; each value is that kind's module. */
export const KINDS = register(Object.values(modules));
