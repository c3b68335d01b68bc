// Settings > My credentials: passkeys and keys; add a passkey; deactivate or reactivate one.
import { api, busy, confirmAction, el, endpoints, fieldError, formatDate, loadFailed, requireSession, status, fillRows } from './signet.js';
import { createPasskey } from './webauthn.js';

const form = document.getElementById('add-passkey');

function toggle(credential) {
  const label = credential.isActive ? 'Deactivate' : 'Reactivate';
  const button = el('button', { type: 'button', className: 'secondary small' }, label);
  button.setAttribute('aria-label', `${label} ${credential.name}`);
  button.addEventListener('click', async () => {
    const warning = credential.isActive ? ' Sessions it opened end, and it can no longer sign.' : '';
    if (!(await confirmAction(`${label} the credential “${credential.name}”?${warning}`, label))) return;
    await busy(button, async () => {
      const route = credential.isActive ? endpoints.deactivateCredential : endpoints.activateCredential;
      await api(route, { body: { credentialUuid: credential.credentialUuid } });
      status(`${credential.name}: ${credential.isActive ? 'deactivated' : 'reactivated'}.`, 'ok');
      await load();
    });
  });
  return button;
}

// A passkey's backup state: synced (backed up), may sync, or bound to one device.
function kind(credential) {
  if (credential.kind !== 'Fido2') return credential.kind;
  if (credential.backedUp) return 'Passkey (synced)';
  return credential.backupEligible ? 'Passkey (may sync)' : 'Passkey (this device only)';
}

async function load() {
  try {
    const list = await api(endpoints.listCredentials);
    fillRows(document.querySelector('#credential-table tbody'), list.items.map((credential) => el('tr', {},
      el('th', { scope: 'row' }, credential.name),
      el('td', {}, kind(credential)),
      el('td', {}, formatDate(credential.dateCreated)),
      el('td', {}, el('span', { className: credential.isActive ? 'badge ok' : 'badge off' }, credential.isActive ? 'Active' : 'Inactive'),
        credential.isFlagged ? el('span', { className: 'badge off' }, 'Possibly cloned') : ''),
      el('td', {}, el('code', {}, credential.credentialUuid)),
      el('td', { className: 'row-actions' }, toggle(credential)))));
  } catch (error) {
    loadFailed(error);
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = form.name.value.trim();
  fieldError('passkey-name', name ? null : 'Enter a name for the passkey.');
  if (!name) return;
  await busy(document.getElementById('add-passkey-button'), async () => {
    const challenge = await api(endpoints.credentialInit, { body: { kind: 'Fido2' } });
    const credentialInfo = await createPasskey(challenge);
    await api(endpoints.createCredential, { body: {
      credentialKind: 'Fido2', credentialInfo, credentialName: name, challengeIdentifier: challenge.challengeIdentifier,
    } });
    status(`Added the passkey ${name}.`, 'ok');
    await load();
  }, 'passkey-name-error');
});
await requireSession();
await load();
