"""The passkey part of the end-to-end test: a software WebAuthn authenticator (P-256, attestation
"none", built with cryptography and cbor2) registers a person invited by code, logs in, signs a
user action that creates a PAT, and the PAT is then used with dfns_sdk's KeySigner configured with
its cr-… credential id."""
import hashlib
import json
import os

import cbor2
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from dfns_sdk import DfnsClient, DfnsClientConfig
from dfns_sdk.auth import KeySigner, base64url_decode, base64url_encode


class SoftwarePasskey:
    """A platform authenticator in software, used as the Dfns browser signer uses one."""

    def __init__(self, rp_id, origin):
        self.rp_id, self.origin = rp_id, origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0

    def client_data(self, kind, challenge):
        # The browser signer hands the authenticator the challenge string's UTF-8 bytes.
        return json.dumps({"type": kind, "challenge": base64url_encode(challenge.encode()), "origin": self.origin,
                           "crossOrigin": False}).encode()

    def create(self, challenge):
        numbers = self.key.public_key().public_numbers()
        cose = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})
        auth_data = (hashlib.sha256(self.rp_id.encode()).digest() + bytes([0x45]) + (0).to_bytes(4, "big") + bytes(16)
                     + len(self.credential_id).to_bytes(2, "big") + self.credential_id + cose)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {"credId": base64url_encode(self.credential_id), "clientData": base64url_encode(self.client_data("webauthn.create", challenge)),
                "attestationData": base64url_encode(attestation)}

    def sign(self, challenge, user_id=None):
        """The dfns_sdk Signer protocol: a Fido2 first factor for a user-action or login challenge."""
        self.counter += 1
        client_data = self.client_data("webauthn.get", challenge["challenge"])
        auth_data = hashlib.sha256(self.rp_id.encode()).digest() + bytes([0x05]) + self.counter.to_bytes(4, "big")
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        assertion = {"credId": base64url_encode(self.credential_id), "clientData": base64url_encode(client_data),
                     "authenticatorData": base64url_encode(auth_data), "signature": base64url_encode(signature)}
        if user_id:
            assertion["userHandle"] = base64url_encode(user_id.encode())
        return {"kind": "Fido2", "credentialAssertion": assertion}


def run(check, expect_error, admin, org, base_url, port):
    """Invite → register a passkey with the code → log in with it → create a PAT signed with it → use the PAT."""
    invited = admin.auth.create_user({"email": "passkey@e2e.example", "kind": "CustomerEmployee"})
    code = invited.get("registrationCode")
    check(bool(code) and not invited["isRegistered"], "a person created without a key gets a one-time registration code")

    anonymous = DfnsClient(DfnsClientConfig(auth_token="none", base_url=base_url))
    expect_error(401, "a wrong registration code", lambda: anonymous.auth.create_registration_challenge(
        {"orgId": org["orgId"], "username": "passkey@e2e.example", "registrationCode": code + "x"}))
    challenge = anonymous.auth.create_registration_challenge(
        {"orgId": org["orgId"], "username": "passkey@e2e.example", "registrationCode": code})
    check("Fido2" in challenge["supportedCredentialKinds"]["firstFactor"] and challenge["rp"]["id"] == "localhost",
          "registration/init offers a passkey for relying party localhost")
    passkey = SoftwarePasskey("localhost", f"http://localhost:{port}")
    registering = DfnsClient(DfnsClientConfig(auth_token=challenge["temporaryAuthenticationToken"], base_url=base_url))
    registered = registering.auth.register({"firstFactorCredential": {
        "credentialKind": "Fido2", "credentialInfo": passkey.create(challenge["challenge"]), "credentialName": "laptop"}})
    check(registered["credential"]["kind"] == "Fido2" and registered["user"]["id"] == invited["userId"],
          "the person registered a passkey with the code")

    login_challenge = anonymous.auth.create_login_challenge({"username": "passkey@e2e.example", "orgId": org["orgId"]})
    check([c["id"] for c in login_challenge["allowCredentials"]["webauthn"]] == [base64url_encode(passkey.credential_id)],
          "login/init lists the passkey in allowCredentials.webauthn")
    token = anonymous.auth.login({"challengeIdentifier": login_challenge["challengeIdentifier"],
                                  "firstFactor": passkey.sign(login_challenge, invited["userId"])})["token"]
    person = DfnsClient(DfnsClientConfig(auth_token=token, base_url=base_url, signer=passkey))
    check(person.auth.list_personal_access_tokens()["items"] == [], "logged in with the passkey")

    # The person needs Auth:Pats:Create to make PATs.
    role = admin.permissions.create_permission({"name": "pat-makers", "operations": ["Auth:Pats:Create", "Auth:Users:Read"]})
    admin.permissions.assign_permission(role["id"], {"identityId": invited["userId"]})
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    pat = person.auth.create_personal_access_token({"name": "made-with-a-passkey", "publicKey": public})
    check(pat["credId"].startswith("cr-"), "a PAT created by a user action signed with the passkey; its credId is cr-…")
    with_pat = DfnsClient(DfnsClientConfig(
        auth_token=pat["accessToken"], base_url=base_url, signer=KeySigner(credential_id=pat["credId"], private_key=private)))
    renamed = with_pat.auth.update_personal_access_token(pat["tokenId"], {"name": "renamed-by-its-key"})
    check(renamed["name"] == "renamed-by-its-key", "the PAT signs with dfns_sdk's KeySigner configured with its cr-… id")
