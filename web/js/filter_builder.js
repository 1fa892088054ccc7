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

// A condition's JSON (protocol form) -> the builder's row.
function toRow(c) {
  if ('activity' in c) {
    return {kind: 'activity', event: c.activity, op: c.op, object: c.object ?? '',
            at_least: c.at_least ?? 1, within_days: c.within_days ?? ''};
  }
  if ('segment' in c) return {kind: 'segment', segment: c.segment, op: c.op};
  return {kind: 'field', field: c.field, op: c.op, value: c.value};
}

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
    this.errors = new Map();  // condition index -> message
    this.list = h('div', {class: 'conditions'});
    this.element = h('div', {},
        h('p', {class: 'hint'}, 'A lead is in the segment when every condition holds.'),
        this.list,
        h('button', {type: 'button', onclick: () => this.add()}, 'Add condition'));
    this.draw();
  }

  // The definition's "filters".
  filters() {
    return this.rows.map((row) => this.toJson(row));
  }

  // Shows the engine's message next to condition `index` (0-based), or
  // clears every message when index is null.
  setError(index, message) {
    if (index === null) this.errors.clear();
    else this.errors.set(index, message);
    this.draw();
  }

  add() {
    const field = this.fields.find((f) => f.name === 'country') ?? this.fields[0];
    this.rows.push({kind: 'field', field: field.name,
                    op: this.operators.fields[field.type][0], value: ''});
    this.errors.clear();
    this.draw();
    this.onChange();
    this.list.lastElementChild?.querySelector('select')?.focus();
  }

  toJson(row) {
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

  changed(i, patch, redraw = false) {
    Object.assign(this.rows[i], patch);
    this.errors.delete(i);
    if (redraw) this.draw();
    this.onChange();
  }

  move(i, step) {
    const j = i + step;
    if (j < 0 || j >= this.rows.length) return;
    [this.rows[i], this.rows[j]] = [this.rows[j], this.rows[i]];
    this.errors.clear();
    this.draw();
    this.onChange();
    this.list.children[j]?.querySelector(`[data-move="${step}"]`)?.focus();
  }

  remove(i) {
    this.rows.splice(i, 1);
    this.errors.clear();
    this.draw();
    this.onChange();
  }

  draw() {
    this.list.replaceChildren(...this.rows.map((row, i) => this.drawRow(row, i)));
  }

  drawRow(row, i) {
    const n = i + 1;
    const kind = select([['field', 'Field'], ['activity', 'Activity'], ['segment', 'Segment']],
                        row.kind);
    kind.addEventListener('change', () => {
      const next = kind.value === 'field'
          ? {kind: 'field', field: this.fields[0].name,
             op: this.operators.fields[this.fields[0].type][0], value: ''}
          : kind.value === 'activity'
              ? {kind: 'activity', event: '', op: 'did', object: '', at_least: 1, within_days: ''}
              : {kind: 'segment', segment: this.segments[0] ?? '', op: 'member'};
      this.rows[i] = next;
      this.changed(i, {}, true);
    });
    const parts = [labelled('Kind', kind)];
    if (row.kind === 'field') parts.push(...this.fieldParts(row, i));
    else if (row.kind === 'activity') parts.push(...this.activityParts(row, i));
    else parts.push(...this.segmentParts(row, i));
    const error = this.errors.get(i);
    return h('fieldset', {class: 'condition-box', 'aria-invalid': error ? 'true' : null},
             h('legend', {}, `Condition ${n}`),
             h('div', {class: 'condition'}, parts,
               h('div', {class: 'tools'},
                 h('button', {type: 'button', 'aria-label': `Move condition ${n} up`,
                              'data-move': '-1', disabled: i === 0,
                              onclick: () => this.move(i, -1)}, '↑'),
                 h('button', {type: 'button', 'aria-label': `Move condition ${n} down`,
                              'data-move': '1', disabled: i === this.rows.length - 1,
                              onclick: () => this.move(i, 1)}, '↓'),
                 h('button', {type: 'button', class: 'danger',
                              'aria-label': `Remove condition ${n}`,
                              onclick: () => this.remove(i)}, 'Remove'))),
             error ? h('p', {role: 'alert', class: 'error'}, error) : null);
  }

  fieldParts(row, i) {
    const type = this.types.get(row.field);
    const field = select(this.fields.map((f) => [f.name, `${f.name} (${f.type})`]), row.field);
    field.addEventListener('change', () => {
      const ops = this.operators.fields[this.types.get(field.value)] ?? [];
      this.changed(i, {field: field.value, op: ops.includes(row.op) ? row.op : ops[0],
                       value: ''}, true);
    });
    const ops = this.operators.fields[type] ?? [];
    const op = select(ops.map((o) => [o, opLabel(o)]), row.op);
    op.addEventListener('change', () => {
      const keep = operandOf(op.value) === operandOf(row.op);
      this.changed(i, {op: op.value, value: keep ? row.value : ''}, true);
    });
    return [labelled('Field', field), labelled('Operator', op),
            ...this.operandParts(row, i, type)];
  }

  operandParts(row, i, type) {
    const hintFor = type === 'timestamp' ? 'UTC' : null;
    switch (operandOf(row.op)) {
      case 'none':
        return [];
      case 'list': {
        const text = Array.isArray(row.value) ? row.value.map((v) => display(v, type)).join(', ')
                                              : row.value ?? '';
        const values = input(text, {placeholder: 'e.g. US, CA'});
        values.addEventListener('input', () => this.changed(i, {value: values.value}));
        return [labelled('Values', values, 'separated by commas')];
      }
      case 'range': {
        const [low, high] = Array.isArray(row.value) ? row.value : ['', ''];
        const attrs = type === 'timestamp' ? {type: 'datetime-local'} : {};
        const from = input(display(low, type), attrs);
        const to = input(display(high, type), attrs);
        const update = () => this.changed(i, {value: [from.value, to.value]});
        from.addEventListener('input', update);
        to.addEventListener('input', update);
        return [labelled('From', from, hintFor), labelled('To', to, hintFor)];
      }
      case 'duration': {
        const d = row.value && typeof row.value === 'object' ? row.value : {days: ''};
        const unitValue = 'hours' in d ? 'hours' : 'days';
        const amount = input(display(d[unitValue], 'int64'), {inputmode: 'numeric'});
        const unit = select([['days', 'days'], ['hours', 'hours']], unitValue);
        const update = () => this.changed(i, {value: {[unit.value]: amount.value}});
        amount.addEventListener('input', update);
        unit.addEventListener('change', update);
        return [labelled('Amount', amount), labelled('Unit', unit)];
      }
      default: {
        if (type === 'bool') {
          const v = select([['true', 'true'], ['false', 'false']],
                           row.value === false || row.value === 'false' ? 'false' : 'true');
          if (row.value === '' || row.value === undefined) row.value = true;
          v.addEventListener('change', () => this.changed(i, {value: v.value === 'true'}));
          return [labelled('Value', v)];
        }
        const attrs = type === 'timestamp' ? {type: 'datetime-local'}
            : type === 'int64' || type === 'double' ? {inputmode: 'decimal'} : {};
        const v = input(display(row.value, type), attrs);
        v.addEventListener('input', () => this.changed(i, {value: v.value}));
        return [labelled('Value', v, hintFor)];
      }
    }
  }

  activityParts(row, i) {
    const event = input(row.event, {placeholder: 'e.g. email_open'});
    event.addEventListener('input', () => this.changed(i, {event: event.value}));
    const op = select(this.operators.activity.map((o) => [o, opLabel(o)]), row.op);
    op.addEventListener('change', () => this.changed(i, {op: op.value}));
    const object = input(row.object, {inputmode: 'numeric'});
    object.addEventListener('input', () => this.changed(i, {object: object.value}));
    const atLeast = input(row.at_least, {inputmode: 'numeric'});
    atLeast.addEventListener('input', () => this.changed(i, {at_least: atLeast.value}));
    const within = input(row.within_days, {inputmode: 'numeric'});
    within.addEventListener('input', () => this.changed(i, {within_days: within.value}));
    return [labelled('Operator', op), labelled('Event type', event),
            labelled('Object', object, 'optional'), labelled('At least', atLeast),
            labelled('Within days', within, 'optional')];
  }

  segmentParts(row, i) {
    const names = this.segments.includes(row.segment) || !row.segment
        ? this.segments : [row.segment, ...this.segments];
    const segment = select(names.map((s) => [s, s]), row.segment);
    if (!row.segment && names.length) row.segment = names[0];
    segment.addEventListener('change', () => this.changed(i, {segment: segment.value}));
    const op = select(this.operators.segment.map((o) => [o, opLabel(o)]), row.op);
    op.addEventListener('change', () => this.changed(i, {op: op.value}));
    return [labelled('Operator', op), labelled('Segment', segment)];
  }
}

// One condition as a sentence, for the View: "country is one of (in) US, CA".
export function describe(c) {
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
