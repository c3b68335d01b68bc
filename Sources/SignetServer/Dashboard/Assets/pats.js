// Settings > Developers > Personal Access Tokens: the list, New Personal Access Token (signed with
// the passkey), the token shown once, and deactivate / reactivate / delete.
import {
  api, assignableRoles, busy, dateText, el, endpoints, lastSigner, fieldError, heldForApproval, loadFailed, orgId, pemProblem, requireSession,
  rowFrom, status, fillRows,
} from './signet.js';
import { toggleForm, wireBehaviours } from './behaviours.js';
import { actionsOf, lastUsedCell, patState, tokenActions, wireClaim } from './tokens.js';

const form = document.getElementById('pat-form');
const result = document.getElementById('pat-result');
const tbody = document.querySelector('#pat-table tbody');


async function loadRoles(me) {
  const roles = await assignableRoles(me).catch(() => null);
  if (roles === null) {
    document.getElementById('pat-role-hint').textContent = 'You may not list roles (Permissions:Read), so the token gets the roles you hold now.';
    form.role.disabled = true;
    return;
  }
  for (const role of roles) form.role.append(el('option', { value: role.id }, role.name));
}

function row(pat) {
  const { expired, badge } = patState(pat);
  const actions = tokenActions(pat, actionsOf.pat, 'personal access token', load);
  return rowFrom('pat-row', {
    name: pat.name,
    created: dateText(pat.dateCreated),
    expires: dateText(pat.dateExpires, 'never'),
    lastUsed: lastUsedCell(pat),
    status: badge,
    roles: pat.permissionAssignments.map((a) => a.permissionName).join(', ') || '—',
    credential: el('code', {}, pat.credId),
    actions: expired ? actions.slice(2) : actions,  // an expired token can only be deleted
  }, { tokenId: pat.tokenId });
}

async function load() {
  try {
    const list = await api(endpoints.listPats);
    fillRows(tbody, list.items.map(row));
    document.getElementById('pat-empty').hidden = list.items.length > 0;
  } catch (error) {
    loadFailed(error);
  }
}

/** The request body, or null after marking what is wrong next to each field. */
function request() {
  const problems = {
    'pat-name': form.name.value.trim() ? null : 'Enter a name.',
    'pat-public-key': pemProblem(form.publicKey.value),
    'pat-expiration': null,
  };
  const body = { name: form.name.value.trim(), publicKey: form.publicKey.value.trim() };
  if (form.expiration.value === 'date') {
    const end = form.date.value ? new Date(`${form.date.value}T23:59:59`) : null;
    const seconds = end ? Math.floor((end.getTime() - Date.now()) / 1000) : NaN;
    if (!(seconds > 0)) problems['pat-expiration'] = 'Choose a date in the future.';
    else body.secondsValid = seconds;
  } else if (form.expiration.value) {
    body.daysValid = Number(form.expiration.value);
  }
  if (form.role.value) body.permissionId = form.role.value;
  for (const [field, message] of Object.entries(problems)) fieldError(field, message);
  const first = Object.entries(problems).find(([, message]) => message);
  if (first) {
    document.getElementById(first[0] === 'pat-expiration' ? 'pat-expiration' : first[0]).focus();
    return null;
  }
  return body;
}

function showResult(pat) {
  const base = location.origin;
  document.getElementById('pat-token').value = pat.accessToken;
  document.getElementById('pat-credential').value = pat.credId;
  document.getElementById('pat-signer').textContent = lastSigner;
  // The same id as everywhere else: the passkey's cr-… id and name, not its WebAuthn id.
  api(endpoints.listCredentials).then((list) => {
    const passkey = list.items.find((credential) => credential.credentialId === lastSigner);
    if (passkey) document.getElementById('pat-signer').textContent = `${passkey.name} (${passkey.credentialUuid})`;
  }).catch(() => {});
  document.getElementById('pat-python').textContent = [
    '# pip install dfns_sdk',
    '# export SIGNET_TOKEN=<the access token above>; private.pem is the key whose public half you pasted',
    'import os',
    'from dfns_sdk import DfnsClient, DfnsClientConfig',
    'from dfns_sdk.auth import KeySigner',
    '',
    `signer = KeySigner(credential_id="${pat.credId}", private_key=open("private.pem").read())`,
    `client = DfnsClient(DfnsClientConfig(auth_token=os.environ["SIGNET_TOKEN"], base_url="${base}", signer=signer))`,
    'print(client.auth.list_personal_access_tokens())',
  ].join('\n');
  document.getElementById('pat-typescript').textContent = [
    '// npm install @dfns/sdk @dfns/sdk-keysigner tsx',
    '// save as main.mts (an ES module, for the top-level await); run: SIGNET_TOKEN=<the access token above> npx tsx main.mts',
    "import { DfnsApiClient } from '@dfns/sdk'",
    "import { AsymmetricKeySigner } from '@dfns/sdk-keysigner'",
    "import { readFileSync } from 'node:fs'",
    '',
    `const signer = new AsymmetricKeySigner({ credId: '${pat.credId}', privateKey: readFileSync('private.pem', 'utf8') })`,
    `const dfns = new DfnsApiClient({ orgId: '${orgId}', baseUrl: '${base}', authToken: process.env.SIGNET_TOKEN!, signer })`,
    'console.log(await dfns.auth.listPersonalAccessTokens())',
  ].join('\n');
  toggleForm('pat-form', false);
  result.hidden = false;
  result.focus();
}

form.addEventListener('open', () => { result.hidden = true; });
form.addEventListener('close', () => { document.getElementById('pat-date-field').hidden = true; });
form.expiration.addEventListener('change', () => {
  document.getElementById('pat-date-field').hidden = form.expiration.value !== 'date';
});
form.publicKey.addEventListener('blur', () => {
  if (form.publicKey.value.trim()) fieldError('pat-public-key', pemProblem(form.publicKey.value));
});
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  document.getElementById('pat-form-error').textContent = '';
  const body = request();
  if (!body) return;
  // A refusal naming a request field shows next to the control marked with it (data-request-field).
  await busy(document.getElementById('pat-create'), async () => {
    const pat = await api(endpoints.createPat, { body });
    if (heldForApproval(pat, `Creating ${body.name}`)) {
      // Nothing is made yet: once approved, the token is claimed below (keep the private key).
      toggleForm('pat-form', false);
      awaitClaim(pat.approvalId);
      return;
    }
    showResult(pat);
    status(`Created ${pat.name}.`, 'ok');
    await load();
  }, 'pat-form-error');
});
const awaitClaim = wireClaim('pat', async (pat) => {
  showResult(pat);
  status(`Claimed ${pat.name}.`, 'ok');
  await load();
});
document.getElementById('pat-done').addEventListener('click', () => {
  document.getElementById('pat-token').value = '';
  result.hidden = true;
  document.getElementById('new-pat').focus();
});
wireBehaviours();

const me = await requireSession();
if (new URLSearchParams(location.search).has('welcome')) status('Your passkey is registered and you are signed in.', 'ok');
await Promise.all([load(), loadRoles(me)]);
