// Settings > Developers > Service Accounts: create with a pasted public key (token shown once),
// deactivate / reactivate / delete.
import {
  api, assignableRoles, busy, dateText, el, endpoints, fieldError, heldForApproval, loadFailed, needs, pemProblem, requireSession, rowFrom,
  status, fillRows,
} from './signet.js';
import { toggleForm, wireBehaviours } from './behaviours.js';
import { actionsOf, lastUsedCell, tokenActions, wireClaim } from './tokens.js';

const form = document.getElementById('sa-form');
const result = document.getElementById('sa-result');

async function load() {
  try {
    const list = await api(endpoints.listServiceAccounts);
    fillRows(document.querySelector('#sa-table tbody'), list.items.map((account) => {
      const info = account.userInfo;
      const token = account.accessTokens[0];
      return rowFrom('sa-row', {
        name: info.name,
        id: el('code', {}, info.userId),
        created: dateText(token?.dateCreated),
        lastUsed: token ? lastUsedCell(token) : 'never',
        status: el('span', { className: info.isActive ? 'badge ok' : 'badge off' }, info.isActive ? 'Active' : 'Inactive'),
        roles: info.permissionAssignments.map((a) => a.permissionName).join(', ') || '—',
        credential: el('code', {}, token?.credId ?? ''),
        actions: tokenActions(info, actionsOf.serviceAccount, 'service account', load, info.userId, info.isActive),
      });
    }));
  } catch (error) {
    loadFailed(error);
  }
}

async function loadRoles(me) {
  const roles = await assignableRoles(me).catch(() => null);
  if (roles === null) form.role.disabled = true;
  for (const role of roles ?? []) form.role.append(el('option', { value: role.id }, role.name));
}

document.getElementById('sa-done').addEventListener('click', () => {
  document.getElementById('sa-token').value = '';
  result.hidden = true;
});
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const nameProblem = form.name.value.trim() ? null : 'Enter a name.';
  const keyProblem = pemProblem(form.publicKey.value);
  fieldError('sa-name', nameProblem);
  fieldError('sa-public-key', keyProblem);
  if (nameProblem || keyProblem) return;
  const body = { name: form.name.value.trim(), publicKey: form.publicKey.value.trim() };
  if (form.role.value) body.permissionId = form.role.value;
  await busy(document.getElementById('sa-create'), async () => {
    const created = await api(endpoints.createServiceAccount, { body });
    toggleForm('sa-form', false);
    // Held by a policy: nothing is made yet; once approved it is claimed below.
    if (heldForApproval(created, `Creating ${body.name}`)) return awaitClaim(created.approvalId);
    await show(created, 'Created');
  }, 'sa-form-error');
});

/** The new account's token, shown once. */
async function show(created, verb) {
  document.getElementById('sa-token').value = created.accessTokens[0]?.accessToken ?? '';
  document.getElementById('sa-credential').value = created.accessTokens[0]?.credId ?? '';
  result.hidden = false;
  result.focus();
  status(`${verb} ${created.userInfo.name}.`, 'ok');
  await load();
}

const awaitClaim = wireClaim('sa', (claimed) => show(claimed, 'Claimed'));
wireBehaviours();
const me = await requireSession();
if (needs(me, 'Auth:ServiceAccounts:Read', 'service accounts')) await Promise.all([load(), loadRoles(me)]);
