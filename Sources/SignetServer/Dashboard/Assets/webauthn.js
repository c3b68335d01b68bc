// Passkey ceremonies in the page, as the Dfns browser signer does them: the challenge string's
// UTF-8 bytes are what the authenticator signs; credential ids travel as base64url.

const encoder = new TextEncoder();

/** base64url (no padding) of an ArrayBuffer or byte array. */
export function base64url(buffer) {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The bytes of a base64url string. */
export function fromBase64url(text) {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** A refusal from the authenticator or the browser, in words a person can act on. */
export class PasskeyError extends Error {}

function explain(error) {
  if (error instanceof PasskeyError) return error;
  switch (error?.name) {
    case 'NotAllowedError':
      return new PasskeyError('The passkey did not sign: the request was cancelled, timed out, or your device could not verify you.');
    case 'InvalidStateError':
      return new PasskeyError('This device already holds a passkey for this account.');
    case 'SecurityError': {
      const rpId = relyingPartyId();
      if (rpId && location.hostname !== rpId && !location.hostname.endsWith(`.${rpId}`)) {
        const here = `${location.protocol}//${rpId}${location.port ? `:${location.port}` : ''}${location.pathname}${location.search}`;
        return new PasskeyError(`Passkeys here belong to ${rpId}, not ${location.hostname}: open ${here} instead.`);
      }
      return new PasskeyError('This page is not on the origin the server allows for passkeys (check --rp-id and --origin).');
    }
    default:
      return new PasskeyError(`The passkey could not be used: ${error?.message ?? error}`);
  }
}

function relyingPartyId() {
  return document.querySelector('meta[name="signet-rp"]')?.content ?? '';
}

/** Fails early, with a reason, where passkeys cannot work. */
export function requirePasskeys() {
  if (!window.PublicKeyCredential) throw new PasskeyError('This browser does not support passkeys.');
  if (!relyingPartyId()) {
    throw new PasskeyError('Passkeys are not configured on this server: start it with --rp-id and --origin (or --dev).');
  }
}

/** Registers a passkey for a registration or credential challenge; returns Dfns's Fido2 credentialInfo. */
export async function createPasskey(challenge) {
  requirePasskeys();
  const publicKey = {
    challenge: encoder.encode(challenge.challenge),
    rp: { id: challenge.rp?.id ?? relyingPartyId(), name: challenge.rp?.name ?? 'Signet' },
    user: { id: encoder.encode(challenge.user.id), name: challenge.user.name, displayName: challenge.user.displayName || challenge.user.name },
    pubKeyCredParams: challenge.pubKeyCredParams.map((p) => ({ type: 'public-key', alg: p.alg })),
    authenticatorSelection: challenge.authenticatorSelection,
    attestation: challenge.attestation ?? 'none',
    excludeCredentials: (challenge.excludeCredentials ?? []).map((c) => ({ type: 'public-key', id: fromBase64url(c.id) })),
    timeout: 60000,
  };
  let credential;
  try {
    credential = await navigator.credentials.create({ publicKey });
  } catch (error) {
    throw explain(error);
  }
  return {
    credId: base64url(credential.rawId),
    clientData: base64url(credential.response.clientDataJSON),
    attestationData: base64url(credential.response.attestationObject),
  };
}

/** Answers a login or user-action challenge with a passkey; returns Dfns's Fido2 first factor. */
export async function signChallenge(challenge) {
  requirePasskeys();
  const allowed = challenge.allowCredentials?.webauthn ?? [];
  const discoverable = challenge.allowCredentials === undefined || (allowed.length === 0 && (challenge.allowCredentials?.key ?? []).length === 0);
  if (allowed.length === 0 && !discoverable) {
    throw new PasskeyError('Your account has no passkey to sign with: add one under My credentials, or ask for a setup link.');
  }
  let assertion;
  try {
    assertion = await navigator.credentials.get({
      publicKey: {
        challenge: encoder.encode(challenge.challenge),
        rpId: relyingPartyId(),
        allowCredentials: allowed.map((c) => ({ type: 'public-key', id: fromBase64url(c.id) })),
        userVerification: challenge.userVerification ?? 'required',
        timeout: 60000,
      },
    });
  } catch (error) {
    throw explain(error);
  }
  const response = assertion.response;
  const credentialAssertion = {
    credId: base64url(assertion.rawId),
    clientData: base64url(response.clientDataJSON),
    authenticatorData: base64url(response.authenticatorData),
    signature: base64url(response.signature),
  };
  if (response.userHandle && response.userHandle.byteLength > 0) credentialAssertion.userHandle = base64url(response.userHandle);
  return { kind: 'Fido2', credentialAssertion };
}
