// Small helpers for building the views' DOM.

// h('button', {type: 'button', onclick: f}, 'Save') -> <button>. Attributes
// starting with "on" become listeners; `class` sets className; children
// are nodes or strings (falsy ones are skipped).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, val] of Object.entries(attrs ?? {})) {
    if (val === undefined || val === null || val === false) continue;
    if (key.startsWith('on')) {
      el.addEventListener(key.slice(2), val);
    } else if (key === 'class') {
      el.className = val;
    } else if (key === 'dataset') {
      Object.assign(el.dataset, val);
    } else if (key === 'value') {
      el.value = val;
    } else if (key === 'checked' || key === 'selected' || key === 'disabled') {
      el[key] = Boolean(val);
    } else {
      el.setAttribute(key, val === true ? '' : val);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

// Replaces the content of `el`.
export function render(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let nextId = 0;
// A unique id for label/input pairs.
export function uid(prefix = 'f') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// A labelled control: <div class="field"><label for>..</label>control</div>,
// with an optional hint the control is described by.
export function labelled(text, control, hint) {
  if (!control.id) control.id = uid();
  let note = null;
  if (hint) {
    note = h('small', {class: 'hint', id: `${control.id}-hint`}, hint);
    control.setAttribute('aria-describedby', note.id);
  }
  return h('div', {class: 'field'}, h('label', {for: control.id}, text), control, note);
}

// Announces `message` to screen readers (and tests) through the status
// region.
export function announce(message) {
  const status = document.getElementById('status');
  if (status) status.textContent = message;
}

// Tabs with the ARIA tabs pattern: arrow keys move between tabs.
// tabs = [{id, label, panel: Node}]; returns {element, select(id)}.
export function tabs(list, selected, onSelect = () => {}) {
  const tablist = h('div', {role: 'tablist', class: 'tabs'});
  const panels = h('div', {class: 'panels'});
  const buttons = new Map();
  function select(id, focus = false) {
    for (const item of list) {
      const tab = buttons.get(item.id);
      const on = item.id === id;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      item.panel.hidden = !on;
      if (on && focus) tab.focus();
    }
    onSelect(id);
  }
  list.forEach((item, i) => {
    const tab = h('button', {
      type: 'button', role: 'tab', id: `tab-${item.id}`,
      'aria-controls': `panel-${item.id}`,
      onclick: () => select(item.id),
      onkeydown: (e) => {
        const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
        if (!step) return;
        e.preventDefault();
        select(list[(i + step + list.length) % list.length].id, true);
      },
    }, item.label);
    buttons.set(item.id, tab);
    tablist.append(tab);
    item.panel.id = `panel-${item.id}`;
    item.panel.setAttribute('role', 'tabpanel');
    item.panel.setAttribute('aria-labelledby', `tab-${item.id}`);
    panels.append(item.panel);
  });
  select(selected);
  return {element: h('div', {class: 'tabbed'}, tablist, panels), select};
}
