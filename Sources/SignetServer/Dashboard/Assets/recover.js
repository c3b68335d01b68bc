// "I lost my passkey": a recovery code (through the organisation's channel), then the recovery key
// file signs a new passkey in, and the person is signed in with it.
import { api, busy, endpoints, fieldError, orgId, status } from './signet.js';
import { importRecoveryKey, signRecovery } from './recovery-keys.js';
import { signIn } from './signin.js';
import { createPasskey, requirePasskeys } from './webauthn.js';

const form = document.getElementById('recover');
try {
  requirePasskeys();
} catch (error) {
  status(error.message, 'error');
}

document.getElementById('send-code').addEventListener('click', async () => {
  const username = form.username.value.trim();
  fieldError('recover-username', username ? null : 'Enter your email first.');
  if (!username) return;
  await busy(document.getElementById('send-code'), async () => {
    const answer = await api(endpoints.recoveryCode, { body: { username, orgId }, token: null });
    status(`${answer.message}.`, 'ok');
    form.code.focus();
  }, 'recover-username-error');
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const [username, code, keyId, name] = [form.username.value.trim(), form.code.value.trim(), form.keyId.value.trim(), form.name.value.trim()];
  const file = form.keyFile.files[0];
  if (!username || !code || !keyId || !name || !file) {
    document.getElementById('recover-error').textContent = 'Fill in the email, the code, the recovery key id and file, and a name for the new passkey.';
    return;
  }
  await busy(document.getElementById('recover-button'), async () => {
    const key = await importRecoveryKey(await file.text());
    const challenge = await api(endpoints.recoveryInit, {
      body: { username, verificationCode: code, orgId, credentialId: keyId }, token: null,
    });
    const credentialInfo = await createPasskey(challenge);
    const newCredentials = { firstFactorCredential: { credentialKind: 'Fido2', credentialInfo, credentialName: name } };
    const credentialAssertion = await signRecovery(key, challenge.allowedRecoveryCredentials[0].id, newCredentials);
    await api(endpoints.recover, {
      body: { recovery: { kind: 'RecoveryKey', credentialAssertion }, newCredentials },
      token: challenge.temporaryAuthenticationToken,
    });
    status('Recovered: your new passkey is registered. Signing you in…');
    await signIn(username);
    location.assign('/settings/credentials?recovered=1');
  }, 'recover-error');
});
