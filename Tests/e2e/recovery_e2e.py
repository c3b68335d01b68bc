"""Account recovery through dfns_sdk's generated auth client: a person registers a recovery key, asks
for a recovery code (delivered to a local webhook receiver as `recovery.code`), and recovers with a
new key signed over by the recovery key; their old session and PAT stop working."""
import base64
import hashlib
import json
import os
import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from dfns_sdk import DfnsClient, DfnsClientConfig
from dfns_sdk.auth import KeySigner


class WebhookReceiver:
    """A loopback HTTP server that keeps every JSON body posted to it."""

    def __init__(self):
        received = self.events = queue.Queue()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                received.put(json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0")))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, kind, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                event = self.events.get(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                break
            if event.get("type") == kind:
                return event
        raise AssertionError(f"no {kind} event reached the webhook within {timeout} s")


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pem(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def attest(key, challenge):
    """Key attestation (clientData, attestationData) of `key` for `challenge`, as the Dfns key signers make it."""
    client_data = json.dumps({"type": "key.create", "challenge": challenge, "origin": "https://app.dfns.io", "crossOrigin": False},
                             separators=(",", ":")).encode()
    signed = json.dumps({"clientDataHash": hashlib.sha256(client_data).hexdigest(), "publicKey": pem(key)}, separators=(",", ":"))
    attestation = json.dumps({"publicKey": pem(key), "signature": key.sign(signed.encode()).hex()}, separators=(",", ":"))
    return b64(client_data), b64(attestation.encode())


def run(check, expect_error, person, webhook, username, org_id, base_url):
    """`person` is a logged-in dfns_sdk client of the person, with a PAT's client as `person.pat`."""
    anonymous = DfnsClient(DfnsClientConfig(auth_token="recover", base_url=base_url))
    recovery_key = ed25519.Ed25519PrivateKey.generate()
    challenge = person.auth.create_credential_challenge({"kind": "RecoveryKey"})
    client_data, attestation = attest(recovery_key, challenge["challenge"])
    recovery_id = b64(os.urandom(32))
    added = person.auth.create_credential({
        "credentialKind": "RecoveryKey", "credentialName": "recovery", "challengeIdentifier": challenge["challengeIdentifier"],
        "encryptedPrivateKey": "sealed-by-the-client",
        "credentialInfo": {"credId": recovery_id, "clientData": client_data, "attestationData": attestation}})
    check(added["kind"] == "RecoveryKey", "a recovery key is registered through create_credential")

    check("message" in anonymous.auth.send_recovery_code({"username": username, "orgId": org_id}), "send_recovery_code answers a message")
    code = webhook.wait_for("recovery.code")["recoveryCode"]
    started = anonymous.auth.create_recovery_challenge(
        {"username": username, "verificationCode": code, "orgId": org_id, "credentialId": recovery_id})
    check(started["allowedRecoveryCredentials"] == [{"id": recovery_id, "encryptedRecoveryKey": "sealed-by-the-client"}],
          "create_recovery_challenge hands back the encrypted recovery key")

    new_key = ed25519.Ed25519PrivateKey.generate()
    new_id = b64(os.urandom(32))
    client_data, attestation = attest(new_key, started["challenge"])
    new_credentials = {"firstFactorCredential": {"credentialKind": "Key", "credentialName": "new laptop",
                                                 "credentialInfo": {"credId": new_id, "clientData": client_data, "attestationData": attestation}}}
    signed = json.dumps({"type": "key.get", "challenge": b64(json.dumps(new_credentials).encode()), "origin": "https://app.dfns.io",
                         "crossOrigin": False}, separators=(",", ":")).encode()
    recovering = DfnsClient(DfnsClientConfig(auth_token=started["temporaryAuthenticationToken"], base_url=base_url))
    recovered = recovering.auth.recover({
        "recovery": {"kind": "RecoveryKey", "credentialAssertion": {"credId": recovery_id, "clientData": b64(signed),
                                                                    "signature": b64(recovery_key.sign(signed))}},
        "newCredentials": new_credentials})
    check(recovered["credential"]["kind"] == "Key" and recovered["user"]["username"] == username, "recover answers the new credential")
    expect_error(401, "the old session after the recovery", lambda: person.auth.list_credentials())
    expect_error(401, "the person's PAT after the recovery", lambda: person.pat.auth.list_personal_access_tokens())
    login = anonymous.auth.create_login_challenge({"username": username, "orgId": org_id})
    private = new_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    signer = KeySigner(credential_id=new_id, private_key=private)
    token = anonymous.auth.login({"challengeIdentifier": login["challengeIdentifier"], "firstFactor": signer.sign(login)})["token"]
    after = DfnsClient(DfnsClientConfig(auth_token=token, base_url=base_url, signer=signer))
    check([c["credentialId"] for c in after.auth.list_credentials()["items"] if c["isActive"]] == [new_id],
          "the new key logs in, and is the person's only active credential")
