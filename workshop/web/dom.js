/* Building and updating the page's elements.
 *
 * - `h` builds an element; strings among its children become text nodes, never
 *   markup. This is how participant text reaches the page, and the only way: no
 *   innerHTML, no eval, no inline handlers (the CSP forbids them anyway).
 * - `morphChildren` makes a live element look like a freshly built one while
 *   keeping the live nodes (focus, caret, scroll, a field being typed in).
 *   Children with a `data-key` are matched by key, others by position.
 */

/**
 * Build an element. Strings among the children become text nodes, never markup.
 * props: attributes by name, except `class`, `text`, `value`, `style` (an object
 * applied through the CSSOM, which the CSP allows), and booleans (`disabled`,
 * `hidden`, …: set when true, left out when false).
 */
export function h(tag, props, ...children) {
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

function sameKind(a, b) {
  if (a.nodeType !== b.nodeType) return false;
  if (a.nodeType !== 1) return true;
  return a.tagName === b.tagName && a.getAttribute("type") === b.getAttribute("type");
}

/** An attribute the person sets by hand and a new view must not undo: a fold they opened or closed. */
function ownState(el, name) {
  return name === "open" && el.tagName === "DETAILS";
}

/** Make `old` look like `neu`, keeping `old`'s identity (focus, caret, scroll). */
function morph(old, neu) {
  if (old.nodeType !== 1) {
    if (old.nodeValue !== neu.nodeValue) old.nodeValue = neu.nodeValue;
    return;
  }
  for (const attr of Array.from(old.attributes)) {
    if (attr.name !== "style" && !neu.hasAttribute(attr.name) && !ownState(old, attr.name)) old.removeAttribute(attr.name);
  }
  for (const attr of Array.from(neu.attributes)) {
    if (attr.name !== "style" && old.getAttribute(attr.name) !== attr.value && !ownState(old, attr.name)) old.setAttribute(attr.name, attr.value);
  }
  if (old.style.cssText !== neu.style.cssText) old.style.cssText = neu.style.cssText;
  if (old.tagName === "INPUT" || old.tagName === "TEXTAREA") {
    // What a person is typing is theirs: never overwrite the focused field.
    if (old !== document.activeElement && old.value !== neu.value) old.value = neu.value;
    return;
  }
  morphChildren(old, neu);
}

/** Make `old`'s children look like `neu`'s, moving keyed ones rather than rebuilding them. */
export function morphChildren(old, neu) {
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
