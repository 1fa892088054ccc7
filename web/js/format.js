// How the screen shows numbers and times: thousands separators, and times
// in UTC, labelled so.

const integer = new Intl.NumberFormat('en-US');

export function count(n) {
  return integer.format(n);
}

function pad(n) {
  return String(n).padStart(2, '0');
}

// "2026-09-21 14:05 UTC" for unix seconds.
export function utc(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
         `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

// "2026-09-21" (UTC) for unix seconds.
export function utcDay(seconds) {
  return utc(seconds).slice(0, 10);
}

// The value of an <input type="datetime-local"> read as UTC, in unix
// seconds; null when empty.
export function fromUtcInput(value) {
  if (!value) return null;
  const [date, time = '00:00'] = value.split('T');
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  return Math.floor(Date.UTC(y, m - 1, d, hh, mm) / 1000);
}

// Unix seconds as an <input type="datetime-local"> value (UTC).
export function toUtcInput(seconds) {
  if (seconds === null || seconds === undefined) return '';
  return utc(seconds).slice(0, 16).replace(' ', 'T');
}

// A field value for display.
export function value(v) {
  if (v === null || v === undefined) return '—';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'number') return Number.isInteger(v) ? count(v) : String(v);
  return String(v);
}
