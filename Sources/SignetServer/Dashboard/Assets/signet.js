// What every dashboard page shares: the session, calls to Signet's JSON API (signing changes with
// the passkey through the user-action flow), and small accessible UI helpers.
import { signChallenge } from './webauthn.js';

const TOKEN = 'signet.session';

/** The organisation this server holds (rendered into the page by the server). */
export const orgId = document.querySelector('meta[name="signet-org"]')?.content ?? '';

/**
 * The session token lives in this tab's sessionStorage: it is gone when the tab closes and is never
 * sent automatically (no cookie, so no cross-site request can use it). A stolen token still cannot
 * change anything: every change is signed with the passkey (see docs/security.md).
 */
export const session = {
  token: () => sessionStorage.getItem(TOKEN),
  start: (token) => sessionStorage.setItem(TOKEN, token),
  clear: () => sessionStorage.removeItem(TOKEN),
};

/** A refusal from the API, with its status and the server's message. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Sends one request to the API; `signed` runs the user-action flow with the passkey first. */
export async function api(method, path, body, { signed = false, token = session.token() } = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  if (signed) headers['X-DFNS-USERACTION'] = await signUserAction(method, path, payload ?? '', token);
  const response = await fetch(path, { method, headers, body: payload, credentials: 'omit', cache: 'no-store' });
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    if (response.status === 401 && token && token === session.token() && path !== '/auth/logout') expired();
    throw new ApiError(response.status, data?.error?.message ?? `The server answered ${response.status}.`);
  }
  return data;
}

/** The credential id of the passkey that signed the last change (shown with its result). */
export let lastSigner = '';

/** `/auth/action/init`, the passkey, `/auth/action`: the user action that authorises one change. */
async function signUserAction(method, path, payload, token) {
  const challenge = await api('POST', '/auth/action/init', {
    userActionPayload: payload, userActionHttpMethod: method, userActionHttpPath: path, userActionServerKind: 'Api',
  }, { token });
  const firstFactor = await signChallenge(challenge);
  lastSigner = firstFactor.credentialAssertion.credId;
  const signed = await api('POST', '/auth/action', { challengeIdentifier: challenge.challengeIdentifier, firstFactor }, { token });
  return signed.userAction;
}

function expired() {
  session.clear();
  const next = encodeURIComponent(location.pathname);
  location.assign(`/login?next=${next}&expired=1`);
}

/** On pages that need a session: sends visitors without one to sign in; wires Sign out; returns whoami. */
export async function requireSession() {
  if (!session.token()) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    return new Promise(() => {});
  }
  document.getElementById('sign-out')?.addEventListener('click', signOut);
  const me = await api('GET', '/auth/whoami');
  const who = document.getElementById('who');
  if (who) who.textContent = me.username;
  return me;
}

/** Ends the session on the server (its token stops working), then here. */
export async function signOut() {
  try {
    await api('PUT', '/auth/logout', {});
  } catch {
    // The token may already be gone; the session ends here either way.
  }
  session.clear();
  location.assign('/login?signedOut=1');
}

/** Shows a message in the page's live region (announced by screen readers). */
export function status(message, kind = 'info') {
  const region = document.getElementById('status');
  region.textContent = message;
  region.className = message ? kind : '';
}

/** Shows `message` under a field and marks it invalid, or clears it. */
export function fieldError(field, message) {
  const input = typeof field === 'string' ? document.getElementById(field) : field;
  const error = document.getElementById(`${input.id}-error`);
  if (error) error.textContent = message ?? '';
  if (message) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
}

/** Asks for confirmation in a modal dialog; resolves true when confirmed. */
export function confirmAction(text, actionLabel) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  document.getElementById('confirm-ok').textContent = actionLabel;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true }));
}

/** Builds an element: `el('td', {className: 'x'}, 'text', child)`. Text is never parsed as HTML. */
export function el(tag, properties = {}, ...children) {
  const { dataset = {}, ...rest } = properties;
  const element = Object.assign(document.createElement(tag), rest);
  Object.assign(element.dataset, dataset);
  for (const child of children) element.append(child ?? '');
  return element;
}

/** Opens or closes a form behind its "New …" button: focus moves into it, or back to the button. */
export function toggleForm(form, opener, open, onClose = () => {}) {
  form.hidden = !open;
  opener.setAttribute('aria-expanded', String(open));
  if (open) {
    form.querySelector('input, textarea, select')?.focus();
  } else {
    form.reset();
    for (const error of form.querySelectorAll('.error')) error.textContent = '';
    onClose();
    opener.focus();
  }
}

/** Puts `rows` into a table's body; each cell is labelled with its column (shown on narrow screens). */
export function fillRows(tbody, rows) {
  const headings = [...tbody.closest('table').querySelectorAll('thead th')].map((th) => th.textContent);
  for (const row of rows) [...row.children].forEach((cell, index) => { cell.dataset.label = headings[index] ?? ''; });
  tbody.replaceChildren(...rows);
}

/** A date as the person's locale writes it, or `fallback`. */
export function formatDate(value, fallback = '—') {
  if (!value) return fallback;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? fallback : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A table cell with the day (the full date and time in its tooltip): dates stay on one line. */
export function dateCell(value, fallback = '—') {
  const date = value ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) return el('td', { className: 'date' }, fallback);
  return el('td', { className: 'date', title: formatDate(value) }, date.toLocaleDateString(undefined, { dateStyle: 'medium' }));
}

/** Wires every `[data-copy]` button to copy its target field's value. */
export function wireCopyButtons(root = document) {
  for (const button of root.querySelectorAll('[data-copy]')) {
    button.addEventListener('click', async () => {
      const field = document.getElementById(button.dataset.copy);
      field.select();
      try {
        await navigator.clipboard.writeText(field.value);
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Selected: press Ctrl+C';
      }
      setTimeout(() => { button.textContent = 'Copy'; }, 3000);
    });
  }
}

/** Checks a pasted PEM public key before it is sent: one PUBLIC KEY block of base64. */
export function pemProblem(text) {
  const pem = text.trim();
  if (!pem) return 'Paste a public key.';
  if (/PRIVATE KEY/.test(pem)) return 'This is a private key. Paste the public key; keep the private key secret.';
  const match = pem.match(/^-----BEGIN (RSA )?PUBLIC KEY-----\s+([A-Za-z0-9+/=\s]+?)\s*-----END \1?PUBLIC KEY-----$/);
  if (!match) return 'Paste the whole public key, including the -----BEGIN PUBLIC KEY----- and -----END PUBLIC KEY----- lines.';
  try {
    if (atob(match[2].replace(/\s+/g, '')).length < 32) return 'This public key is too short to be a real key.';
  } catch {
    return 'The text between the BEGIN and END lines is not base64.';
  }
  return null;
}

/** Runs `task` with `button` disabled, showing any error in `errorTarget` (a field id) or the status line. */
export async function busy(button, task, errorTarget) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await task();
  } catch (error) {
    if (errorTarget) document.getElementById(errorTarget).textContent = error.message;
    else status(error.message, 'error');
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

/** Whether the signed-in person holds `operation` (whoami's permissions). */
export function may(me, operation) {
  return me.allOperations || me.permissions.includes(operation);
}

/** On a page that needs `operation` to show anything: says so instead of asking the server for a 403. */
export function needs(me, operation, what) {
  if (may(me, operation)) return true;
  status(`You may not see ${what}: it needs the ${operation} permission. Ask an administrator for a role that has it.`, 'error');
  return false;
}

/** The roles the person may give a token: active ones whose operations they all hold. */
export async function assignableRoles(me) {
  if (!may(me, 'Permissions:Read')) return null;
  const roles = await api('GET', '/permissions');
  return roles.items.filter((role) => !role.isArchived && (me.allOperations || role.operations.every((op) => me.permissions.includes(op))));
}

/** Reports a failure to load a page's data in the status line. */
export function loadFailed(error) {
  status(error.status === 403 ? `You may not see this: ${error.message}` : error.message, 'error');
}
