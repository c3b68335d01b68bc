// Settings > Token inventory: every PAT and service-account token the administrator may see,
// filtered by kind, state, coming expiry and disuse (GET /auth/tokens). Read only.
import { api, busy, el, endpoints, fillRows, formatDate, needs, requireSession, rowFrom } from './signet.js';
import { lastUsedCell, patState } from './tokens.js';

const form = document.getElementById('inventory-filters');
const KINDS = { Pat: 'PAT', ServiceAccount: 'Service account' };
const DAY = 86_400_000;

/** Whole days from a number field, or null when empty; a bad value is an error naming the field. */
function days(field, label) {
  if (!field.value) return null;
  const value = Number(field.value);
  if (!Number.isInteger(value) || value < 1 || value > 3650) throw new Error(`${label} must be a whole number of days, 1 to 3650.`);
  return value;
}

async function load() {
  const query = {};
  if (form.kind.value) query.kind = form.kind.value;
  if (form.state.value) query.state = form.state.value;
  const expiring = days(form.expiring, 'Expiring within');
  if (expiring) query.expiringBefore = new Date(Date.now() + expiring * DAY).toISOString();
  const unused = days(form.unused, 'Not used for');
  if (unused) query.unusedSince = new Date(Date.now() - unused * DAY).toISOString();
  if (form.never.checked) query.neverUsed = 'true';
  const tokens = [];
  let page = await api(endpoints.listTokens, { query: { ...query, limit: 500 } });
  tokens.push(...page.items);
  while (page.nextPageToken) {
    page = await api(endpoints.listTokens, { query: { ...query, limit: 500, paginationToken: page.nextPageToken } });
    tokens.push(...page.items);
  }
  const names = await userNames();
  document.getElementById('inventory-empty').hidden = tokens.length > 0;
  fillRows(document.querySelector('#inventory-table tbody'), tokens.map((token) => rowFrom('inventory-row', {
    name: token.name,
    kind: KINDS[token.kind] ?? token.kind,
    user: names.has(token.linkedUserId) ? el('span', { title: token.linkedUserId }, names.get(token.linkedUserId)) : el('code', {}, token.linkedUserId),
    state: patState(token).badge,
    expires: formatDate(token.dateExpires),
    used: lastUsedCell(token),
    roles: token.permissionAssignments.map((role) => role.permissionName).join(', ') || '—',
  }, { tokenId: token.tokenId })));
}

/** Each user's name by id (the inventory shows people, not ids), read once per page load. */
let namesRead = null;
function userNames() {
  namesRead ??= (async () => {
    const names = new Map();
    let page = { nextPageToken: undefined };
    do {
      const query = { limit: 500, ...(page.nextPageToken ? { paginationToken: page.nextPageToken } : {}) };
      page = await api(endpoints.listUsers, { query });
      for (const user of page.items) names.set(user.userId, user.username);
    } while (page.nextPageToken);
    return names;
  })().catch(() => new Map());  // ids are still shown
  return namesRead;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  document.getElementById('inventory-error').textContent = '';
  busy(document.getElementById('inventory-apply'), load, 'inventory-error');
});
const me = await requireSession();
if (needs(me, 'Auth:Users:Read', 'the token inventory')) await busy(document.getElementById('inventory-apply'), load, 'inventory-error');
