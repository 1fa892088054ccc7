// The Filters tab's condition builder: one fieldset per condition, for
// every condition kind and operator of docs/filters.md. It turns what the
// marketer picks into the definition's JSON form and back, offers the
// operators the engine lists for each field type (GET /v1/operators), and
// shows the engine's message next to the condition it names. It checks
// nothing itself: a value the engine will refuse is sent as typed, so the
// engine's message says what is wrong.
import {fromUtcInput, toUtcInput} from './format.js';
import {h, labelled} from './dom.js';

// How an operator's operand is entered.
const OPERAND = {
  empty: 'none', not_empty: 'none',
  in: 'list', not_in: 'list', has_any: 'list', has_all: 'list', has_none: 'list',
  between: 'range',
  within_last: 'duration', older_than: 'duration',
};
const operandOf = (op) => OPERAND[op] ?? 'single';

const LABELS = {
  eq: 'is', neq: 'is not', in: 'is one of', not_in: 'is none of',
  contains: 'contains', not_contains: 'does not contain',
  starts_with: 'starts with', ends_with: 'ends with',
  empty: 'is empty', not_empty: 'is not empty',
  gt: '>', gte: '≥', lt: '<', lte: '≤', between: 'is between',
  before: 'is before', after: 'is after', within_last: 'is within the last',
  older_than: 'is older than', has: 'has', not_has: 'does not have',
  has_any: 'has any of', has_all: 'has all of', has_none: 'has none of',
  did: 'did', did_not: 'did not', member: 'is a member of',
  not_member: 'is not a member of',
};
export const opLabel = (op) => `${LABELS[op] ?? op} (${op})`;

function select(options, chosen) {
  return h('select', {},
           options.map(([value, text]) =>
               h('option', {value, selected: value === chosen}, text)));
}

function input(value, attrs = {}) {
  return h('input', {type: 'text', value: value ?? '', ...attrs});
}

// A typed value from text, per field type; text that is not a valid value
// goes as text, for the engine to name.
function typed(text, type) {
  const t = text.trim();
  if (type === 'int64' || type === 'double') {
    return t !== '' && !Number.isNaN(Number(t)) ? Number(t) : t;
  }
  if (type === 'bool') return t === 'true' ? true : t === 'false' ? false : t;
  if (type === 'timestamp') {
    if (/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(t)) return fromUtcInput(t);
    return t !== '' && !Number.isNaN(Number(t)) ? Number(t) : t;
  }
  return t;
}

function display(value, type) {
  if (value === undefined || value === null) return '';
  if (type === 'timestamp' && typeof value === 'number') return toUtcInput(value);
  return String(value);
}

// A condition's JSON (protocol form) -> the builder's row; groups keep
// their children as rows.
function toRow(c) {
  for (const group of ['any', 'all']) {
    if (group in c) return {kind: 'group', group, children: c[group].map(toRow)};
  }
  if ('not' in c) return {kind: 'group', group: 'not', children: [toRow(c.not)]};
  if ('activity' in c) {
    return {kind: 'activity', event: c.activity, op: c.op, object: c.object ?? '',
            at_least: c.at_least ?? 1, within_days: c.within_days ?? ''};
  }
  if ('segment' in c) return {kind: 'segment', segment: c.segment, op: c.op};
  return {kind: 'field', field: c.field, op: c.op, value: c.value};
}

const GROUP_TEXT = {any: 'any of these holds', all: 'all of these hold',
                    not: 'this does not hold'};

export class FilterBuilder {
  // onChange() is called on every edit; fields: [{name, type}];
  // operators: GET /v1/operators' answer; segments: names offered for
  // segment conditions.
  constructor({filters, fields, operators, segments, onChange}) {
    this.fields = fields;
    this.types = new Map(fields.map((f) => [f.name, f.type]));
    this.operators = operators;
    this.segments = segments;
    this.onChange = onChange;
    this.rows = filters.map(toRow);
    this.error = null;  // {path, message}: the engine's, on its condition
    this.list = h('div', {class: 'conditions'});
    this.element = h('div', {},
        h('p', {class: 'hint'},
          'A lead is in the segment when every condition holds. Groups say ' +
          '"any of", "all of" or "not", and nest.'),
        this.list,
        h('div', {class: 'toolbar'},
          h('button', {type: 'button', onclick: () => this.add(this.rows)}, 'Add condition'),
          h('button', {type: 'button', onclick: () => this.addGroup(this.rows)}, 'Add group')));
    this.draw();
  }

  // The definition's "filters".
  filters() {
    return this.rows.map((row) => this.toJson(row));
  }

  // Shows the engine's message on the condition its path names
  // ("filters[1].any[0]..."), or clears it when path is null.
  setError(path, message) {
    if (path === null && this.error === null) return;  // nothing to redraw
    this.error = path === null ? null : {path, message};
    this.draw();
  }

  newLeaf() {
    const field = this.fields.find((f) => f.name === 'country') ?? this.fields[0];
    return {kind: 'field', field: field.name, op: this.operators.fields[field.type][0], value: ''};
  }

  edited(redraw = true) {
    this.error = null;
    if (redraw) this.draw();
    this.onChange();
  }

  add(list) {
    list.push(this.newLeaf());
    this.edited();
  }

  addGroup(list) {
    list.push({kind: 'group', group: 'any', children: [this.newLeaf()]});
    this.edited();
  }

  toJson(row) {
    if (row.kind === 'group') {
      const children = row.children.map((c) => this.toJson(c));
      return row.group === 'not' ? {not: children[0] ?? {}} : {[row.group]: children};
    }
    if (row.kind === 'activity') {
      const out = {activity: row.event, op: row.op};
      if (String(row.object).trim() !== '') out.object = typed(String(row.object), 'int64');
      if (String(row.at_least).trim() !== '') out.at_least = typed(String(row.at_least), 'int64');
      if (String(row.within_days).trim() !== '') {
        out.within_days = typed(String(row.within_days), 'int64');
      }
      return out;
    }
    if (row.kind === 'segment') return {segment: row.segment, op: row.op};
    const type = this.types.get(row.field);
    const out = {field: row.field, op: row.op};
    switch (operandOf(row.op)) {
      case 'none':
        break;
      case 'list': {
        const items = Array.isArray(row.value) ? row.value.map(String)
                                               : String(row.value ?? '').split(',');
        out.value = items.map((s) => s.trim()).filter((s) => s !== '')
                        .map((s) => typed(s, type));
        break;
      }
      case 'range': {
        const [low, high] = Array.isArray(row.value) ? row.value : ['', ''];
        out.value = [typed(display(low, type), type), typed(display(high, type), type)];
        break;
      }
      case 'duration': {
        const d = row.value && typeof row.value === 'object' ? row.value : {};
        const unit = 'hours' in d ? 'hours' : 'days';
        out.value = {[unit]: typed(String(d[unit] ?? ''), 'int64')};
        break;
      }
      default:
        out.value = typeof row.value === 'string' ? typed(row.value, type) : row.value;
    }
    return out;
  }

  // The row whose path is the longest prefix of the error's path.
  errorOwner() {
    if (!this.error) return null;
    let best = null;
    const visit = (rows, prefix, inNot) => {
      rows.forEach((row, i) => {
        const path = inNot ? prefix : (prefix === null ? `filters[${i}]` : `${prefix}[${i}]`);
        const p = this.error.path;
        if (p === path || p.startsWith(`${path}.`) || p.startsWith(`${path}[`)) {
          best = path;
          if (row.kind === 'group') {
            visit(row.children, `${path}.${row.group}`, row.group === 'not');
          }
        }
      });
    };
    visit(this.rows, null, false);
    return best;
  }

  draw() {
    const owner = this.errorOwner();
    // A redraw (an error shown while typing, a row added) keeps the focus
    // on the same control: found again by its fieldset's legend and label.
    const active = document.activeElement;
    let key = null;
    if (active && this.list.contains(active)) {
      const legend = active.closest('fieldset')?.querySelector(':scope > legend')?.textContent;
      const label = active.id ? this.list.querySelector(`label[for="${active.id}"]`)?.textContent
                              : active.getAttribute('aria-label');
      key = {legend, label, start: active.selectionStart, end: active.selectionEnd};
    }
    this.list.replaceChildren(...this.drawList(this.rows, null, '', false, owner));
    if (!key) return;
    for (const fieldset of this.list.querySelectorAll('fieldset')) {
      if (fieldset.querySelector(':scope > legend')?.textContent !== key.legend) continue;
      let target = null;
      for (const label of fieldset.querySelectorAll('label')) {
        if (label.textContent === key.label && label.closest('fieldset') === fieldset) {
          target = document.getElementById(label.htmlFor);
        }
      }
      target ??= [...fieldset.querySelectorAll('button')].find(
          (b) => b.getAttribute('aria-label') === key.label && b.closest('fieldset') === fieldset);
      if (!target) continue;
      target.focus();
      if (key.start !== null && key.start !== undefined && 'setSelectionRange' in target) {
        try { target.setSelectionRange(key.start, key.end); } catch { /* not a text input */ }
      }
      return;
    }
  }

  // The rows of one list (the top level or a group's children). `prefix`
  // is the list's JSON path ("filters[1].any"), `label` the numbering
  // ("2." inside group 2), `inNot` whether the list is a not's one child.
  drawList(list, prefix, label, inNot, owner) {
    return list.map((row, i) => {
      const path = inNot ? prefix : (prefix === null ? `filters[${i}]` : `${prefix}[${i}]`);
      const n = inNot ? `${label}1` : `${label}${i + 1}`;
      const tools = this.tools(list, i, n, row);
      const error = owner === path ? h('p', {role: 'alert', class: 'error'}, this.error.message)
                                   : null;
      if (row.kind === 'group') {
        return this.drawGroup(row, path, n, tools, error, owner);
      }
      return h('fieldset', {class: 'condition-box', 'aria-invalid': error ? 'true' : null},
               h('legend', {}, `Condition ${n}`),
               h('div', {class: 'condition'}, this.leafParts(row), tools),
               error);
    });
  }

  drawGroup(row, path, n, tools, error, owner) {
    const childPrefix = `${path}.${row.group}`;
    const body = [];
    if (row.group !== 'not') {
      const kind = h('select', {},
          h('option', {value: 'any', selected: row.group === 'any'}, 'Any of (or)'),
          h('option', {value: 'all', selected: row.group === 'all'}, 'All of (and)'));
      kind.addEventListener('change', () => { row.group = kind.value; this.edited(); });
      body.push(h('div', {class: 'condition'}, labelled('Group type', kind), tools));
    } else {
      body.push(h('div', {class: 'condition'},
                  h('p', {class: 'hint'}, 'A lead matches when this does not hold:'), tools));
    }
    body.push(h('div', {class: 'group-children'},
                this.drawList(row.children, childPrefix, `${n}.`, row.group === 'not', owner)));
    if (row.group !== 'not') {
      body.push(h('div', {class: 'toolbar'},
        h('button', {type: 'button', 'aria-label': `Add condition to group ${n}`,
                     onclick: () => this.add(row.children)}, 'Add condition'),
        h('button', {type: 'button', 'aria-label': `Add group to group ${n}`,
                     onclick: () => this.addGroup(row.children)}, 'Add group')));
    }
    return h('fieldset', {class: `condition-box group group-${row.group}`,
                          'aria-invalid': error ? 'true' : null},
             h('legend', {}, row.group === 'not' ? `Not (group ${n})`
                                                 : `Group ${n}: ${GROUP_TEXT[row.group]}`),
             body, error);
  }

  // Move, negate and remove buttons for row i of `list`, named by `n`.
  tools(list, i, n, row) {
    const what = row.kind === 'group' ? `group ${n}` : `condition ${n}`;
    const negated = row.kind === 'group' && row.group === 'not';
    return h('div', {class: 'tools'},
      h('button', {type: 'button', 'aria-label': `Move ${what} up`, disabled: i === 0,
                   onclick: () => this.move(list, i, -1)}, '↑'),
      h('button', {type: 'button', 'aria-label': `Move ${what} down`,
                   disabled: i === list.length - 1,
                   onclick: () => this.move(list, i, 1)}, '↓'),
      negated
          ? h('button', {type: 'button', 'aria-label': `Remove the negation of group ${n}`,
                         onclick: () => { list[i] = row.children[0] ?? this.newLeaf(); this.edited(); }},
              'Un-negate')
          : h('button', {type: 'button', 'aria-label': `Negate ${what}`,
                         onclick: () => {
                           list[i] = {kind: 'group', group: 'not', children: [row]};
                           this.edited();
                         }}, 'Negate'),
      h('button', {type: 'button', class: 'danger', 'aria-label': `Remove ${what}`,
                   onclick: () => { list.splice(i, 1); this.edited(); }}, 'Remove'));
  }

  move(list, i, step) {
    const j = i + step;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    this.edited();
  }

  leafParts(row) {
    const kind = select([['field', 'Field'], ['activity', 'Activity'], ['segment', 'Segment']],
                        row.kind);
    kind.addEventListener('change', () => {
      for (const key of Object.keys(row)) delete row[key];
      Object.assign(row, kind.value === 'field' ? this.newLeaf()
          : kind.value === 'activity'
              ? {kind: 'activity', event: '', op: 'did', object: '', at_least: 1, within_days: ''}
              : {kind: 'segment', segment: this.segments[0] ?? '', op: 'member'});
      this.edited();
    });
    const parts = [labelled('Kind', kind)];
    if (row.kind === 'field') parts.push(...this.fieldParts(row));
    else if (row.kind === 'activity') parts.push(...this.activityParts(row));
    else parts.push(...this.segmentParts(row));
    return parts;
  }

  // A value typed into `row`: no redraw (the input keeps its focus).
  set(row, patch) {
    Object.assign(row, patch);
    this.edited(false);
  }

  fieldParts(row) {
    const type = this.types.get(row.field);
    const field = select(this.fields.map((f) => [f.name, `${f.name} (${f.type})`]), row.field);
    field.addEventListener('change', () => {
      const ops = this.operators.fields[this.types.get(field.value)] ?? [];
      Object.assign(row, {field: field.value, op: ops.includes(row.op) ? row.op : ops[0],
                          value: ''});
      this.edited();
    });
    const ops = this.operators.fields[type] ?? [];
    const op = select(ops.map((o) => [o, opLabel(o)]), row.op);
    op.addEventListener('change', () => {
      const keep = operandOf(op.value) === operandOf(row.op);
      Object.assign(row, {op: op.value, value: keep ? row.value : ''});
      this.edited();
    });
    return [labelled('Field', field), labelled('Operator', op), ...this.operandParts(row, type)];
  }

  operandParts(row, type) {
    const hintFor = type === 'timestamp' ? 'UTC' : null;
    switch (operandOf(row.op)) {
      case 'none':
        return [];
      case 'list': {
        const text = Array.isArray(row.value) ? row.value.map((v) => display(v, type)).join(', ')
                                              : row.value ?? '';
        const values = input(text, {placeholder: 'e.g. US, CA'});
        values.addEventListener('input', () => this.set(row, {value: values.value}));
        return [labelled('Values', values, 'separated by commas')];
      }
      case 'range': {
        const [low, high] = Array.isArray(row.value) ? row.value : ['', ''];
        const attrs = type === 'timestamp' ? {type: 'datetime-local'} : {};
        const from = input(display(low, type), attrs);
        const to = input(display(high, type), attrs);
        const update = () => this.set(row, {value: [from.value, to.value]});
        from.addEventListener('input', update);
        to.addEventListener('input', update);
        return [labelled('From', from, hintFor), labelled('To', to, hintFor)];
      }
      case 'duration': {
        const d = row.value && typeof row.value === 'object' ? row.value : {days: ''};
        const unitValue = 'hours' in d ? 'hours' : 'days';
        const amount = input(display(d[unitValue], 'int64'), {inputmode: 'numeric'});
        const unit = select([['days', 'days'], ['hours', 'hours']], unitValue);
        const update = () => this.set(row, {value: {[unit.value]: amount.value}});
        amount.addEventListener('input', update);
        unit.addEventListener('change', update);
        return [labelled('Amount', amount), labelled('Unit', unit)];
      }
      default: {
        if (type === 'bool') {
          if (row.value === '' || row.value === undefined) row.value = true;
          const v = select([['true', 'true'], ['false', 'false']],
                           row.value === false || row.value === 'false' ? 'false' : 'true');
          v.addEventListener('change', () => this.set(row, {value: v.value === 'true'}));
          return [labelled('Value', v)];
        }
        const attrs = type === 'timestamp' ? {type: 'datetime-local'}
            : type === 'int64' || type === 'double' ? {inputmode: 'decimal'} : {};
        const v = input(display(row.value, type), attrs);
        v.addEventListener('input', () => this.set(row, {value: v.value}));
        return [labelled('Value', v, hintFor)];
      }
    }
  }

  activityParts(row) {
    const event = input(row.event, {placeholder: 'e.g. email_open'});
    event.addEventListener('input', () => this.set(row, {event: event.value}));
    const op = select(this.operators.activity.map((o) => [o, opLabel(o)]), row.op);
    op.addEventListener('change', () => this.set(row, {op: op.value}));
    const object = input(row.object, {inputmode: 'numeric'});
    object.addEventListener('input', () => this.set(row, {object: object.value}));
    const atLeast = input(row.at_least, {inputmode: 'numeric'});
    atLeast.addEventListener('input', () => this.set(row, {at_least: atLeast.value}));
    const within = input(row.within_days, {inputmode: 'numeric'});
    within.addEventListener('input', () => this.set(row, {within_days: within.value}));
    return [labelled('Operator', op), labelled('Event type', event),
            labelled('Object', object, 'optional'), labelled('At least', atLeast),
            labelled('Within days', within, 'optional')];
  }

  segmentParts(row) {
    const names = this.segments.includes(row.segment) || !row.segment
        ? this.segments : [row.segment, ...this.segments];
    if (!row.segment && names.length) row.segment = names[0];
    const segment = select(names.map((s) => [s, s]), row.segment);
    segment.addEventListener('change', () => this.set(row, {segment: segment.value}));
    const op = select(this.operators.segment.map((o) => [o, opLabel(o)]), row.op);
    op.addEventListener('change', () => this.set(row, {op: op.value}));
    return [labelled('Operator', op), labelled('Segment', segment)];
  }
}

// One condition as a sentence, for the View: "country is one of (in) US, CA";
// a group's sentence introduces its children (children()).
export function describe(c) {
  if ('any' in c) return 'any of these holds:';
  if ('all' in c) return 'all of these hold:';
  if ('not' in c) return 'this does not hold:';
  if ('activity' in c) {
    let text = `${LABELS[c.op] ?? c.op} ${c.activity}`;
    if (c.object !== undefined && c.object !== null) text += ` #${c.object}`;
    if ((c.at_least ?? 1) > 1) text += `, at least ${c.at_least} times`;
    if (c.within_days) text += `, within the last ${c.within_days} days`;
    return text;
  }
  if ('segment' in c) return `${LABELS[c.op] ?? c.op} ${c.segment}`;
  let value = '';
  if (Array.isArray(c.value)) value = c.op === 'between' ? c.value.join(' and ') : c.value.join(', ');
  else if (c.value && typeof c.value === 'object') {
    const [unit, n] = Object.entries(c.value)[0] ?? ['days', ''];
    value = `${n} ${unit}`;
  } else if (c.value !== undefined && c.value !== null) value = String(c.value);
  return `${c.field} ${LABELS[c.op] ?? c.op}${value !== '' ? ` ${value}` : ''}`;
}

// A group's children, [] for a leaf.
export function children(c) {
  if ('any' in c) return c.any;
  if ('all' in c) return c.all;
  if ('not' in c) return [c.not];
  return [];
}
