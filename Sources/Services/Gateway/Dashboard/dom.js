// Building the page: every text goes in as a text node, never as markup.

/** An element with attributes (on* names become listeners) and children (strings become text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `element`. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
export const count = (value) => integer.format(Number(value || 0));
export const number = (value) => decimal.format(Number(value || 0));
export const percent = (share) => `${decimal.format(100 * Number(share || 0))} %`;
export const time = (value) => (value ? new Date(value).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—');

/** A sentiment label shown by word and colour, never by colour alone. */
export function sentimentBadge(label) {
  const name = label || 'unavailable';
  return h('span', { class: `badge sentiment-${name}` }, name);
}

/** A labelled form field. */
export function field(label, control, hint) {
  const id = control.id || `field-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('small', {}, hint) : null);
}

/** A <select> of [value, text] pairs. */
export function select(name, options, selected) {
  return h('select', { name }, options.map(([value, text]) => h('option', { value, selected: value === selected }, text)));
}

/** A readable message for a failed call: 403 says the role may not, others the gateway's words. */
export function errorBox(error) {
  const title = error.status === 403 ? 'Not allowed for your token\'s role'
    : error.status === 401 ? 'Sign-in needed'
      : error.status === 0 ? 'The gateway cannot be reached' : `The gateway answered ${error.status || 'an error'}`;
  return h('div', { class: 'error', role: 'alert' }, h('strong', {}, title), ': ', error.message);
}

/** A table from column titles and rows of cells. */
export function table(caption, columns, rows, attributes = {}) {
  return h('table', attributes, h('caption', {}, caption),
    h('thead', {}, h('tr', {}, columns.map((column) => h('th', { scope: 'col' }, column)))),
    h('tbody', {}, rows.length ? rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell))))
      : h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, 'nothing in this range'))));
}
