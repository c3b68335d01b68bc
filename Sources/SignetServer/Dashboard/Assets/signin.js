// Signing in with a passkey, for the sign-in and setup pages (a library: it reaches no element).
import { api, endpoints, orgId, session } from './signet.js';
import { signChallenge } from './webauthn.js';

/** Signs in with a passkey and starts the session. */
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
  const next = new URLSearchParams(location.search).get('next') ?? '';
  return /^\/settings\/[a-z/-]+$/.test(next) ? next : '/settings/developers/personal-access-tokens';
}
