// Settings > Users: invite (the setup link shown once), a new setup link, deactivate / reactivate / delete.
import {
  api, busy, dateText, el, endpoints, fieldError, formatDate, loadFailed, needs, orgId, requireSession, rowFrom, status, fillRows,
} from './signet.js';
import { actionButton, wireBehaviours } from './behaviours.js';
import { actionsOf, lastUsedCell, patState, tokenActions } from './tokens.js';

const form = document.getElementById('invite');
const result = document.getElementById('invite-result');

function showLink(user) {
  const query = new URLSearchParams({ org: user.orgId || orgId, username: user.username, code: user.registrationCode });
  document.getElementById('invite-link').value = `${location.origin}/setup?${query}`;
  document.getElementById('invite-expiry').textContent = formatDate(user.registrationCodeExpiresAt, 'in 4 hours');
  result.hidden = false;
  result.focus();
}

function newLinkButton(user) {
  return actionButton('New setup link', {
    ariaLabel: `New setup link for ${user.username}`,
    task: async () => {
      showLink(await api(endpoints.newRegistrationCode, { body: { orgId: user.orgId, username: user.username } }));
      status(`A new setup link for ${user.username}; the previous one no longer works.`, 'ok');
    },
  });
}

/** An administrator's view of a person's PATs (GET /auth/users/{id}/pats, Signet's addition). */
function patsButton(user) {
  return actionButton('PATs', { ariaLabel: `Personal access tokens of ${user.username}`, task: () => showPats(user) });
}

async function showPats(user) {
  const list = await api(endpoints.listUserPats, { params: [user.userId] });
  fillRows(document.querySelector('#user-pats-table tbody'), list.items.map((pat) => rowFrom('user-pat-row', {
    name: pat.name,
    created: dateText(pat.dateCreated),
    expires: dateText(pat.dateExpires, 'never'),
    lastUsed: lastUsedCell(pat),
    status: patState(pat).badge,
    credential: el('code', {}, pat.credId),
  }, { tokenId: pat.tokenId })));
  document.getElementById('user-pats-title').textContent = `Personal access tokens of ${user.username}`;
  document.getElementById('user-pats-empty').hidden = list.items.length > 0;
  const panel = document.getElementById('user-pats');
  panel.hidden = false;
  panel.focus();
}

async function load() {
  try {
    const list = await api(endpoints.listUsers);
    const people = list.items.filter((user) => !user.isServiceAccount);
    fillRows(document.querySelector('#user-table tbody'), people.map((user) => rowFrom('user-row', {
      email: user.username,
      id: el('code', {}, user.userId),
      status: el('span', { className: user.isActive ? 'badge ok' : 'badge off' }, user.isActive ? 'Active' : 'Inactive'),
      registered: user.isRegistered ? 'Yes' : 'Not yet',
      roles: user.permissionAssignments.map((a) => a.permissionName).join(', ') || '—',
      actions: [patsButton(user), ' ', newLinkButton(user), ' ', ...tokenActions({ name: user.username }, actionsOf.user, 'user', load, user.userId, user.isActive)],
    }, { userId: user.userId })));
  } catch (error) {
    loadFailed(error);
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = form.email.value.trim();
  const problem = email && form.email.checkValidity() ? null : 'Enter the person’s email address.';
  fieldError('invite-email', problem);
  if (problem) return;
  await busy(document.getElementById('invite-button'), async () => {
    const user = await api(endpoints.createUser, { body: { email, kind: 'CustomerEmployee' } });
    form.reset();
    showLink(user);
    status(`Invited ${user.username}.`, 'ok');
    await load();
  }, 'invite-email-error');
});
wireBehaviours();
const me = await requireSession();
if (needs(me, 'Auth:Users:Read', 'the people of this organisation')) await load();
