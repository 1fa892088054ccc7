// The Categories page (#/categories): the category registry segments are
// filed under. Create, rename inline, delete with a confirmation; how many
// segments use each category. The engine decides what is allowed (names,
// duplicates, deleting a category in use) and the page shows its message
// next to what failed.
import {api} from './api.js';
import {announce, h, labelled, render} from './dom.js';
import {closeDialogs, confirmDialog} from './confirm_dialog.js';
import {count} from './format.js';

// Names are unique ignoring (ASCII) case, and segments carry the stored
// spelling; fold anyway so a count never depends on spelling.
const fold = (name) => name.toLowerCase();

export async function show(main, params, context) {
  const loading = main.firstChild;
  let categories = [];
  let usage = new Map(); // folded category name -> number of segments
  let renaming = null; // id of the category whose row is being renamed
  let alive = true;

  async function load() {
    const [c, s] = await Promise.all([api.get('/v1/categories'), api.get('/v1/segments')]);
    categories = c.categories;
    usage = countUsage(s.segments);
  }

  function countUsage(segments) {
    const byCategory = new Map();
    for (const segment of segments) {
      if (segment.category === null || segment.category === undefined) continue;
      const key = fold(segment.category);
      byCategory.set(key, (byCategory.get(key) ?? 0) + 1);
    }
    return byCategory;
  }

  await load();
  // Left while loading: another view owns `main` now.
  if (!alive || main.firstChild !== loading) return undefined;

  // --- Create -------------------------------------------------------------
  const nameInput = h('input', {type: 'text', name: 'name', autocomplete: 'off', required: true});
  const createError = h('div', {class: 'form-error'});
  const createButton = h('button', {type: 'submit', class: 'primary'}, 'Create category');
  const createForm = h('form', {class: 'create-category', onsubmit: onCreate},
                       labelled('New category name', nameInput),
                       createButton, createError);

  // One message at a time: a new attempt clears what an earlier one said.
  function clearErrors() {
    render(createError);
    render(tableError);
    for (const slot of tbody.querySelectorAll('.form-error')) render(slot);
  }

  async function onCreate(e) {
    e.preventDefault();
    clearErrors();
    createButton.disabled = true;
    let id;
    try {
      ({id} = await api.post('/v1/categories', {name: nameInput.value}));
    } catch (err) {
      showError(createError, err, nameInput);
      return;
    } finally {
      createButton.disabled = false;
    }
    const typed = nameInput.value.trim();
    nameInput.value = '';
    try {
      await reload();
    } catch (err) {
      showError(tableError, err);
    }
    const created = categories.find((c) => c.id === id);
    announce(`Category ${created?.name ?? typed} created`);
  }

  // --- The table ----------------------------------------------------------
  const tableError = h('div', {class: 'form-error'});
  const tbody = h('tbody');
  const table = h('table', {class: 'categories'},
                  h('caption', {}, 'Categories'),
                  h('thead', {}, h('tr', {},
                                   h('th', {scope: 'col'}, 'Name'),
                                   h('th', {scope: 'col', class: 'num'}, 'Segments'),
                                   h('th', {scope: 'col'}, 'Actions'))),
                  tbody);

  function renderRows() {
    if (categories.length === 0) {
      render(tbody, h('tr', {}, h('td', {colspan: 3, class: 'hint'},
                                  'No categories yet. Create one above.')));
      return;
    }
    render(tbody, categories.map((c) => (c.id === renaming ? renameRow(c) : row(c))));
  }

  function row(category) {
    const {id, name} = category;
    return h('tr', {dataset: {id: String(id)}},
             h('th', {scope: 'row', class: 'name'}, name),
             h('td', {class: 'num', dataset: {usage: fold(name)}}, count(usage.get(fold(name)) ?? 0)),
             h('td', {class: 'actions'},
               h('button', {type: 'button', 'aria-label': `Rename ${name}`, dataset: {rename: String(id)},
                            onclick: () => startRename(id)}, 'Rename'),
               h('button', {type: 'button', class: 'danger', 'aria-label': `Delete ${name}`,
                            dataset: {delete: String(id)}, onclick: () => onDelete(category)},
                 'Delete')));
  }

  function renameRow(category) {
    const {id, name} = category;
    const input = h('input', {type: 'text', name: 'name', value: name, autocomplete: 'off',
                              required: true,
                              onkeydown: (e) => {
                                if (e.key === 'Escape') {
                                  e.preventDefault();
                                  stopRename(id);
                                }
                              }});
    const error = h('div', {class: 'form-error'});
    const save = h('button', {type: 'submit', class: 'primary'}, 'Save name');
    const form = h('form', {class: 'rename', onsubmit: async (e) => {
      e.preventDefault();
      clearErrors();
      save.disabled = true;
      try {
        await api.put(`/v1/categories/${id}`, {name: input.value});
        renaming = null;
        await reload();
        const renamed = categories.find((c) => c.id === id);
        announce(`Category ${name} renamed to ${renamed?.name ?? input.value.trim()}`);
        focusRow(id, 'rename');
      } catch (err) {
        save.disabled = false;
        showError(error, err, input);
      }
    }},
                   labelled(`New name for ${name}`, input),
                   h('div', {class: 'rename-buttons'},
                     save,
                     h('button', {type: 'button', onclick: () => stopRename(id)}, 'Cancel')),
                   error);
    return h('tr', {dataset: {id: String(id)}, class: 'editing'},
             h('td', {class: 'name'}, form),
             h('td', {class: 'num', dataset: {usage: fold(name)}}, count(usage.get(fold(name)) ?? 0)),
             h('td', {class: 'actions'}));
  }

  function startRename(id) {
    renaming = id;
    clearErrors();
    renderRows();
    const input = tbody.querySelector('tr.editing input');
    input?.focus();
    input?.select();
  }

  function stopRename(id) {
    renaming = null;
    renderRows();
    focusRow(id, 'rename');
  }

  async function onDelete(category) {
    clearErrors();
    const segments = usage.get(fold(category.name)) ?? 0;
    const done = await confirmDialog(main, {
      title: `Delete category ${category.name}?`,
      body: h('p', {}, segments === 0
        ? 'No segment uses it. '
        : `${count(segments)} ${segments === 1 ? 'segment uses' : 'segments use'} it. `,
        'This cannot be undone.'),
      action: () => api.del(`/v1/categories/${category.id}`),
    });
    if (!done || !alive) return;
    const index = categories.findIndex((c) => c.id === category.id);
    announce(`Category ${category.name} deleted`);
    try {
      await reload();
    } catch (err) {
      showError(tableError, err);
    }
    // Focus what took the deleted row's place, else the name field.
    const next = categories[Math.min(index, categories.length - 1)];
    if (next) focusRow(next.id, 'rename');
    else nameInput.focus();
  }

  function focusRow(id, action) {
    tbody.querySelector(`button[data-${action}="${id}"]`)?.focus();
  }

  async function reload() {
    await load();
    if (!alive) return;
    if (renaming !== null && !categories.some((c) => c.id === renaming)) renaming = null;
    if (renaming === null) renderRows();
    else refreshCounts();
  }

  // Updates the Segments column in place (keeps an open rename as it is).
  function refreshCounts() {
    for (const cell of tbody.querySelectorAll('td[data-usage]')) {
      cell.textContent = count(usage.get(cell.dataset.usage) ?? 0);
    }
  }

  // Membership changes say segments were created, edited or deleted: the
  // counts may have moved. Categories themselves send no event.
  context.reloadOnChange(async () => {
    const s = await api.get('/v1/segments');
    if (!alive) return;
    usage = countUsage(s.segments);
    refreshCounts();
  }, {delay: 1000});

  renderRows();
  render(main,
         h('h1', {}, 'Categories'),
         h('p', {class: 'hint'},
           'Segments are filed under categories; a transfer between two segments of one ',
           'category moves the lead.'),
         h('section', {class: 'panel', 'aria-labelledby': 'new-category-title'},
           h('h2', {id: 'new-category-title'}, 'New category'),
           createForm),
         tableError,
         h('div', {class: 'table-wrap'}, table));

  return () => {
    alive = false;
    closeDialogs(main);
  };
}

// Shows the engine's message in `slot` as an alert and marks `control`
// (if any) invalid, with the focus, until it is edited.
function showError(slot, err, control) {
  render(slot, h('p', {role: 'alert', class: 'error'}, err.message));
  if (!control) return;
  const id = `${control.id}-error`;
  slot.firstChild.id = id;
  control.setAttribute('aria-invalid', 'true');
  control.setAttribute('aria-describedby', id);
  control.addEventListener('input', () => {
    control.removeAttribute('aria-invalid');
    control.removeAttribute('aria-describedby');
    render(slot);
  }, {once: true});
  control.focus();
}
