// Sign in: with an email (the passkeys of that account), or usernameless (a passkey on this device).
import { api, busy, endpoints, fieldError, orgId, session, status } from './signet.js';
import { requirePasskeys, signChallenge } from './webauthn.js';

const form = document.getElementById('sign-in');
const params = new URLSearchParams(location.search);

/** Signs in with a passkey and starts the session; shared with the setup page. */
export async function signIn(username) {
  if (!orgId) throw new Error('This server has no organisation yet: run signet init, or start it with --dev.');
  const request = username ? { username, orgId } : { orgId };
  const challenge = await api(endpoints.loginInit, { body: request, token: null });
  const firstFactor = await signChallenge(challenge);
  const login = await api(endpoints.login, { body: { challengeIdentifier: challenge.challengeIdentifier, firstFactor }, token: null });
  session.start(login.token);
}

/** Where to go after signing in: `next` if it is a page of this dashboard. */
export function destination() {
  const next = params.get('next') ?? '';
  return /^\/settings\/[a-z/-]+$/.test(next) ? next : '/settings/developers/personal-access-tokens';
}

if (form) {
  if (params.has('signedOut')) status('You are signed out.');
  if (params.has('expired')) status('Your session ended. Sign in again.', 'error');
  try {
    requirePasskeys();
  } catch (error) {
    status(error.message, 'error');
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const username = form.username.value.trim();
    fieldError('username', null);
    if (username && !form.username.checkValidity()) {
      fieldError('username', 'Enter an email address, or leave it empty to use a passkey saved on this device.');
      return;
    }
    await busy(document.getElementById('sign-in-button'), async () => {
      await signIn(username);
      location.assign(destination());
    }, 'username-error');
  });
}
