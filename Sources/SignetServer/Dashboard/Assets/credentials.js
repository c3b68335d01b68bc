// Settings > My credentials: passkeys and keys; add a passkey; deactivate or reactivate one.
import { actionButton, wireBehaviours } from './behaviours.js';
import { api, busy, dateText, el, endpoints, fieldError, loadFailed, requireSession, rowFrom, status, fillRows } from './signet.js';
import { attest, generateRecoveryKey } from './recovery-keys.js';
import { createPasskey } from './webauthn.js';

const form = document.getElementById('add-passkey');

function toggle(credential) {
  const label = credential.isActive ? 'Deactivate' : 'Reactivate';
  const warning = credential.isActive ? ' Sessions it opened end, and it can no longer sign.' : '';
  return actionButton(label, {
    ariaLabel: `${label} ${credential.name}`,
    confirm: `${label} the credential “${credential.name}”?${warning}`,
    task: async () => {
      const route = credential.isActive ? endpoints.deactivateCredential : endpoints.activateCredential;
      await api(route, { body: { credentialUuid: credential.credentialUuid } });
      status(`${credential.name}: ${credential.isActive ? 'deactivated' : 'reactivated'}.`, 'ok');
      await load();
    },
  });
}

// A passkey's backup state: synced (backed up), may sync, or bound to one device.
function kind(credential) {
  if (credential.kind === 'RecoveryKey') return 'Recovery key';
  if (credential.kind !== 'Fido2') return credential.kind;
  if (credential.backedUp) return 'Passkey (synced)';
  return credential.backupEligible ? 'Passkey (may sync)' : 'Passkey (this device only)';
}

async function load() {
  try {
    const list = await api(endpoints.listCredentials);
    fillRows(document.querySelector('#credential-table tbody'), list.items.map((credential) => rowFrom('credential-row', {
      name: credential.name,
      kind: kind(credential),
      created: dateText(credential.dateCreated),
      status: [
        el('span', { className: credential.isActive ? 'badge ok' : 'badge off' }, credential.isActive ? 'Active' : 'Inactive'),
        credential.isFlagged ? el('span', { className: 'badge off' }, 'Possibly cloned') : '',
      ],
      id: el('code', {}, credential.credentialUuid),
      actions: toggle(credential),
    }, { credentialUuid: credential.credentialUuid })));
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
// A recovery key: made here, registered with the passkey's signature, its private half shown once.
const recoveryForm = document.getElementById('add-recovery-key');
recoveryForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  await busy(document.getElementById('add-recovery-button'), async () => {
    const key = await generateRecoveryKey();
    const challenge = await api(endpoints.credentialInit, { body: { kind: 'RecoveryKey' } });
    const added = await api(endpoints.createCredential, { body: {
      credentialKind: 'RecoveryKey', credentialInfo: await attest(key, challenge.challenge), credentialName: 'Recovery key',
      challengeIdentifier: challenge.challengeIdentifier,
    } });
    document.getElementById('recovery-id').textContent = added.credentialUuid;
    document.getElementById('recovery-pem').value = key.privatePem;
    const result = document.getElementById('recovery-result');
    result.hidden = false;
    result.focus();
    status('Added a recovery key. Save its file now.', 'ok');
    await load();
  }, 'recovery-error');
});
document.getElementById('recovery-download').addEventListener('click', () => {
  const file = new Blob([document.getElementById('recovery-pem').value], { type: 'application/x-pem-file' });
  const link = el('a', { href: URL.createObjectURL(file), download: 'recovery-key.pem' });
  link.click();
  URL.revokeObjectURL(link.href);
});
wireBehaviours();
await requireSession();
await load();
