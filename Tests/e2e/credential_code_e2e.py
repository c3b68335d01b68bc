"""Adding a key from another device with a one-time code, through dfns_sdk's generated auth client:
the signed-in person asks for a code; a client with no login trades it for a challenge and answers
it with the new key's attestation; the key then logs in."""
import base64
import hashlib
import json
import os
from datetime import datetime, timedelta, timezone

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from dfns_sdk import DfnsClient, DfnsClientConfig
from dfns_sdk.auth import KeySigner


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def run(check, expect_error, person_client, anonymous, username, org_id, base_url):
    expiration = (datetime.now(timezone.utc) + timedelta(minutes=10)).isoformat()
    code = person_client.auth.create_credential_code({"expiration": expiration})
    check(len(code["code"]) == 22 and "expiration" in code, "create_credential_code answers a code, shown once")
    challenge = anonymous.auth.create_credential_challenge_with_code({"credentialKind": "Key", "code": code["code"]})
    check(challenge["kind"] == "Key" and challenge["challengeIdentifier"], "the code buys a credential challenge, with no login")
    expect_error(401, "the code works once",
                 lambda: anonymous.auth.create_credential_challenge_with_code({"credentialKind": "Key", "code": code["code"]}))
    key = ed25519.Ed25519PrivateKey.generate()
    public_pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    client_data = json.dumps({"type": "key.create", "challenge": challenge["challenge"], "origin": "https://app.dfns.io",
                              "crossOrigin": False}, separators=(",", ":")).encode()
    signed = json.dumps({"clientDataHash": hashlib.sha256(client_data).hexdigest(), "publicKey": public_pem}, separators=(",", ":"))
    attestation = json.dumps({"publicKey": public_pem, "signature": key.sign(signed.encode()).hex()}, separators=(",", ":"))
    cred_id = b64(os.urandom(32))
    created = anonymous.auth.create_credential_with_code({
        "credentialKind": "Key", "credentialName": "phone", "challengeIdentifier": challenge["challengeIdentifier"],
        "credentialInfo": {"credId": cred_id, "clientData": b64(client_data), "attestationData": b64(attestation.encode())}})
    check(created["credentialId"] == cred_id and created["isActive"], "create_credential_with_code adds the key")
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    login = anonymous.auth.create_login_challenge({"username": username, "orgId": org_id})
    signer = KeySigner(credential_id=cred_id, private_key=private_pem)
    token = anonymous.auth.login({"challengeIdentifier": login["challengeIdentifier"], "firstFactor": signer.sign(login)})["token"]
    phone = DfnsClient(DfnsClientConfig(auth_token=token, base_url=base_url, signer=signer))
    check(any(c["credentialId"] == cred_id for c in phone.auth.list_credentials()["items"]), "the new key logs in")
