// First run and invitations: the setup link carries the organisation, the person's email and a
// one-time code; the page registers a passkey with them and signs the person in.
import { api, busy, endpoints, fieldError, orgId, status } from './signet.js';
import { createPasskey, requirePasskeys } from './webauthn.js';
import { signIn } from './signin.js';

const form = document.getElementById('setup');
const params = new URLSearchParams(location.search);
const org = params.get('org') || orgId;
form.username.value = params.get('username') ?? '';
form.code.value = params.get('code') ?? '';
// What the link carries is not to be edited: only the passkey's name is the person's to choose.
form.username.readOnly = params.has('username');
form.code.readOnly = params.has('code');
// The code is a secret: keep it out of the history and of anything the address bar shows later.
if (params.has('code')) history.replaceState(null, '', '/setup');
if (form.username.value) document.getElementById('setup-for').textContent =
  `Register a passkey for ${form.username.value}. It signs you in and signs every change you make.`;
try {
  requirePasskeys();
} catch (error) {
  status(error.message, 'error');
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  fieldError('setup-username', null);
  const [username, code, name] = [form.username.value.trim(), form.code.value.trim(), form.name.value.trim()];
  if (!username || !code || !name) {
    document.getElementById('setup-error').textContent = 'Fill in the email, the setup code and a name for the passkey.';
    return;
  }
  await busy(document.getElementById('register-button'), async () => {
    const challenge = await api(endpoints.registrationInit, { body: { orgId: org, username, registrationCode: code }, token: null });
    const credentialInfo = await createPasskey(challenge);
    await api(endpoints.register, {
      body: { firstFactorCredential: { credentialKind: 'Fido2', credentialInfo, credentialName: name } },
      token: challenge.temporaryAuthenticationToken,
    });
    status('Passkey registered. Signing you in…');
    await signIn(username);
    location.assign('/settings/developers/personal-access-tokens?welcome=1');
  }, 'setup-error');
});
