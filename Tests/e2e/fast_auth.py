"""A Fast Auth client written from docs/contract/dfns-fast-auth.md with the `cryptography` package
(not from Signet's code): the one-request X-DFNS-USERACTION the newer Dfns TypeScript SDK sends."""
import base64
import hashlib
import json
import os
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def header(private_pem, cred_id, method, host, path, body, org_id, timestamp=None, nonce=None):
    """The header for one request; `path` is the path and query exactly as sent, `body` the exact bytes."""
    challenge = {
        "timestamp": str(int((timestamp or time.time()) * 1000)),
        "nonce": b64url(nonce or os.urandom(16)),
        "host": host.lower(),
        "method": method,
        "path": path,
        "payloadHash": b64url(hashlib.sha256(body).digest()),
        "orgId": org_id,
    }
    client_data = json.dumps({"type": "key.get", "challenge": b64url(json.dumps(challenge).encode())}, separators=(",", ":")).encode()
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    assertion = {"credId": cred_id, "clientData": b64url(client_data)}
    if isinstance(key, ed25519.Ed25519PrivateKey):
        assertion["signature"] = b64url(key.sign(client_data))
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        assertion["signature"] = b64url(key.sign(client_data, ec.ECDSA(hashes.SHA256())))
        assertion["algorithm"] = "SHA256"
    elif isinstance(key, rsa.RSAPrivateKey):
        assertion["signature"] = b64url(key.sign(client_data, padding.PKCS1v15(), hashes.SHA256()))
        assertion["algorithm"] = "SHA256"
    return b64url(json.dumps({"kind": "Key", "credentialAssertion": assertion}).encode())
