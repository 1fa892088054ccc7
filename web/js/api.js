// The engine's HTTP API (docs/http.md), as the screen uses it: JSON in and
// out with the bearer token, errors as ApiError carrying the engine's code
// and message, and the change stream read over fetch (EventSource cannot
// send the Authorization header).

const TOKEN_KEY = 'audience.token';

// The token comes in the address' fragment (#token=...), which browsers
// never send to a server; it is kept for the tab's life and removed from
// the address bar.
export function takeToken() {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, '', location.pathname + '#/segments');
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function request(method, path, body) {
  const headers = {Authorization: `Bearer ${token() ?? ''}`};
  const init = {method, headers};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'UNAVAILABLE', `the server cannot be reached (${e.message})`);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: reported below with the status.
  }
  if (!response.ok) {
    const error = json?.error;
    throw new ApiError(response.status, error?.code ?? `HTTP_${response.status}`,
                       error?.message ?? (text || response.statusText));
  }
  return json;
}

export const api = {
  get: (path) => request('GET', path),
  post: (path, body) => request('POST', path, body ?? {}),
  put: (path, body) => request('PUT', path, body ?? {}),
  patch: (path, body) => request('PATCH', path, body ?? {}),
  del: (path) => request('DELETE', path),
};

// The segments' JSON path of an error message: "filters[2].any[0].op: ..."
// -> {path: "filters[2].any[0].op", index: 2, message: "..."}; null when
// the message names no filter.
export function filterPath(message) {
  const match = /^(filters\[(\d+)\][^: ]*): (.*)$/s.exec(message);
  if (!match) return null;
  return {path: match[1], index: Number(match[2]), message: match[3]};
}

// Reads GET /v1/changes and calls onEvent(type, data) for each event
// ("ready", "change", "resync"), reconnecting with Last-Event-ID after a
// drop. onState(connected: boolean) follows the connection. Returns a stop
// function.
export function subscribeChanges(onEvent, onState = () => {}) {
  let lastId = null;
  let stopped = false;
  let controller = null;

  async function connect() {
    while (!stopped) {
      controller = new AbortController();
      const headers = {Authorization: `Bearer ${token() ?? ''}`};
      if (lastId !== null) headers['Last-Event-ID'] = lastId;
      try {
        const response = await fetch('/v1/changes', {headers, signal: controller.signal});
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        onState(true);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const {value, done} = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let type = 'message';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) type = line.slice(7);
              else if (line.startsWith('data: ')) data += line.slice(6);
              else if (line.startsWith('id: ')) lastId = line.slice(4);
            }
            if (data) onEvent(type, JSON.parse(data));
          }
        }
      } catch (e) {
        if (stopped) return;
      }
      onState(false);
      if (!stopped) await new Promise((r) => setTimeout(r, 2000));
    }
  }
  connect();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
