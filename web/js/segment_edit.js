// New and Edit (#/segments/new, #/segments/{id}/edit): the Details tab
// (name, category, public, description) and the Filters tab (the condition
// builder), the audience previewed live as the definition changes, and,
// when editing, how many leads would enter and leave. Save sends the
// definition; the engine's messages appear next to what they name. Back
// leaves without saving.
import {ApiError, api, filterPath} from './api.js';
import {announce, h, labelled, render, tabs} from './dom.js';
import {FilterBuilder} from './filter_builder.js';
import {count} from './format.js';

export async function show(main, params, context) {
  const editing = params.id !== null;
  const [{categories}, {fields}, operators, {segments}, existing] = await Promise.all([
    api.get('/v1/categories'),
    api.get('/v1/fields'),
    api.get('/v1/operators'),
    api.get('/v1/segments'),
    editing ? api.get(`/v1/segments/${params.id}`) : Promise.resolve(null),
  ]);
  const def = existing?.segment ?? {name: '', category: null, public: false,
                                     description: '', filters: []};

  // Details.
  const name = h('input', {type: 'text', value: def.name, autocomplete: 'off',
                           maxlength: 200, required: true});
  const category = h('select', {},
      h('option', {value: ''}, '(none)'),
      categories.map((c) => h('option', {value: c.name, selected: c.name === def.category},
                              c.name)));
  const isPublic = h('input', {type: 'checkbox', checked: def.public});
  const description = h('textarea', {rows: 3}, def.description ?? '');
  const details = h('div', {},
      labelled('Name', name),
      labelled('Category', category, 'from the Categories page'),
      h('div', {class: 'field inline'}, isPublic,
        h('label', {for: (isPublic.id = 'segment-public')}, 'Public'),
        h('small', {class: 'hint'}, 'only public segments can feed campaigns')),
      labelled('Description', description));

  // Filters.
  const builder = new FilterBuilder({
    filters: def.filters,
    fields,
    operators,
    segments: segments.filter((s) => s.id !== params.id).map((s) => s.name),
    onChange: () => schedulePreview(),
  });

  const definition = () => {
    const out = {name: name.value, category: category.value || null,
                 public: isPublic.checked, description: description.value,
                 filters: builder.filters()};
    return out;
  };

  // The audience, previewed while the marketer types.
  const preview = h('div', {class: 'preview', 'aria-live': 'polite'}, '…');
  let previewTimer = null;
  let previewSeq = 0;
  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(runPreview, 250);
  }
  async function runPreview() {
    const seq = ++previewSeq;
    const body = definition();
    if (!body.name.trim()) delete body.name;
    try {
      const answer = editing
          ? await api.post(`/v1/segments/${params.id}/preview?limit=1`, body)
          : await api.post('/v1/segments/preview?limit=1', body);
      if (seq !== previewSeq) return;
      builder.setError(null);
      // A preview that works again clears what the last preview said (a
      // Save's message stays until the next Save).
      if (formError.dataset.from === 'preview') formError.hidden = true;
      const parts = [h('strong', {}, `Audience: ${count(answer.count)} leads`)];
      if (editing) {
        parts.push(h('span', {class: 'changes'},
                     ` · ${count(answer.entering)} would enter, ` +
                     `${count(answer.leaving)} would leave`));
      }
      render(preview, parts);
    } catch (e) {
      if (seq !== previewSeq) return;
      showError(e, false);
      render(preview, 'Audience: —');
    }
  }

  const formError = h('p', {role: 'alert', class: 'error', hidden: true});
  // An error goes next to the condition it names, or under the form.
  function showError(error, fromSave) {
    const where = error instanceof ApiError ? filterPath(error.message) : null;
    if (where) {
      builder.setError(where.path, error.message);
      formError.hidden = true;
      if (fromSave) view.select('filters');
      return;
    }
    formError.textContent = error.message;
    formError.dataset.from = fromSave ? 'save' : 'preview';
    formError.hidden = false;
  }

  const save = h('button', {type: 'submit', class: 'primary'}, 'Save');
  const back = h('button', {type: 'button',
                            onclick: () => context.navigate(
                                editing ? `#/segments/${params.id}` : '#/segments')},
                 'Back');
  const view = tabs([
    {id: 'details', label: 'Details', panel: details},
    {id: 'filters', label: 'Filters', panel: builder.element},
  ], 'details');

  const form = h('form', {
    novalidate: true,
    onsubmit: async (e) => {
      e.preventDefault();
      save.disabled = true;
      formError.hidden = true;
      try {
        const body = definition();
        let id = params.id;
        if (editing) {
          await api.put(`/v1/segments/${id}`, body);
        } else {
          id = (await api.post('/v1/segments', body)).id;
        }
        announce(`Segment ${body.name} saved`);
        context.navigate(`#/segments/${id}`);
      } catch (err) {
        showError(err, true);
      } finally {
        save.disabled = false;
      }
    },
  }, view.element, preview, formError, h('div', {class: 'toolbar'}, save, back));

  for (const control of [name, category, isPublic, description]) {
    control.addEventListener('input', schedulePreview);
    control.addEventListener('change', schedulePreview);
  }
  render(main, h('h1', {}, editing ? `Edit segment: ${def.name}` : 'New segment'), form);
  runPreview();
  name.focus();
  return () => clearTimeout(previewTimer);
}
