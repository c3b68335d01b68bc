// Recovery keys in the page: an ECDSA P-256 key made and used with the browser's Web Crypto, in the
// shapes Signet's key credentials use (a Key attestation to register it; a DER signature over
// clientData to recover with it). The private key leaves the page only as the PEM file the person keeps.
import { base64url, fromBase64url } from './webauthn.js';

const encoder = new TextEncoder();
const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };

function pem(label, buffer) {
  const body = btoa(String.fromCharCode(...new Uint8Array(buffer))).match(/.{1,64}/g).join('\n');
  return `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`;
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Web Crypto's r‖s as the DER SEQUENCE of two INTEGERs that Signet verifies. */
function der(raw) {
  const integer = (bytes) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
    const trimmed = bytes.slice(start);
    const body = trimmed[0] & 0x80 ? [0, ...trimmed] : [...trimmed];
    return [0x02, body.length, ...body];
  };
  const r = integer(raw.slice(0, 32));
  const s = integer(raw.slice(32));
  return new Uint8Array([0x30, r.length + s.length, ...r, ...s]);
}

async function sign(key, bytes) {
  return der(new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, bytes)));
}

/** A new recovery key: the CryptoKey pair and both halves as PEM. */
export async function generateRecoveryKey() {
  const pair = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  return {
    privateKey: pair.privateKey,
    publicPem: pem('PUBLIC KEY', await crypto.subtle.exportKey('spki', pair.publicKey)),
    privatePem: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', pair.privateKey)),
  };
}

/** `credentialInfo` for registering the key against `challenge` (a Key attestation). */
export async function attest(key, challenge) {
  const clientData = encoder.encode(JSON.stringify({ type: 'key.create', challenge }));
  const signed = encoder.encode(JSON.stringify({ clientDataHash: await sha256Hex(clientData), publicKey: key.publicPem }));
  const signature = [...await sign(key.privateKey, signed)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return {
    credId: base64url(crypto.getRandomValues(new Uint8Array(32))),
    clientData: base64url(clientData),
    attestationData: base64url(encoder.encode(JSON.stringify({ publicKey: key.publicPem, signature }))),
  };
}

/** The private key in a PEM file the person kept (PKCS#8, P-256). */
export async function importRecoveryKey(text) {
  const body = text.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  if (!body) throw new Error('Choose the recovery key file (a PEM private key).');
  try {
    return await crypto.subtle.importKey('pkcs8', fromBase64url(body.replace(/\+/g, '-').replace(/\//g, '_')), algorithm, false, ['sign']);
  } catch {
    throw new Error('That file is not a P-256 private key in PEM (PKCS#8) form, as this page saves recovery keys.');
  }
}

/** The recovery key's assertion over `newCredentials`: clientData's challenge is the base64url of their JSON. */
export async function signRecovery(privateKey, credId, newCredentials) {
  const clientData = encoder.encode(JSON.stringify({ type: 'key.get', challenge: base64url(encoder.encode(JSON.stringify(newCredentials))) }));
  return { credId, clientData: base64url(clientData), signature: base64url(await sign(privateKey, clientData)) };
}
