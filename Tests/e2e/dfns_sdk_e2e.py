"""End-to-end test: the public Python `dfns_sdk`, unchanged, against a live `signet serve`.

Drives the issue's steps 2 to 5: `signet init`, key-credential login, PAT creation with keypairs
made by openssl (RSA 2048, P-256, Ed25519), the PAT signing its own user actions with the SDK's
KeySigner, and the whole PAT lifecycle. Run by scripts/e2e-dfns-sdk.sh, which provides the
virtual environment, the `signet` binary and a scratch folder.

Usage: python dfns_sdk_e2e.py SIGNET_BINARY WORK_FOLDER
"""

import base64
import hashlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from dfns_sdk import DfnsClient, DfnsClientConfig
from e2e_checks import check, expect_error, failures
from dfns_sdk.auth import KeySigner

import credential_code_e2e
import passkey_e2e
import policies_e2e
import recovery_e2e
import tls_e2e
import user_groups_e2e
import webhooks_e2e
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

SIGNET, WORK = sys.argv[1], sys.argv[2]




def openssl(*args):
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def keypair(name, generate):
    """Makes a keypair with openssl exactly as the seed document does; returns (private PEM, public PEM)."""
    private = os.path.join(WORK, f"{name}.pem")
    public = os.path.join(WORK, f"{name}.public.pem")
    generate(private)
    openssl("pkey", "-in", private, "-pubout", "-out", public)
    return open(private).read(), open(public).read()


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Step 2: signet init.
print("step 2: signet init", flush=True)
admin_private, _ = keypair("admin", lambda out: openssl("genpkey", "-algorithm", "ed25519", "-out", out))
database = os.path.join(WORK, "data", "signet.sqlite")
init = subprocess.run(
    [SIGNET, "init", "--database", database, "--org-name", "E2E", "--email", "admin@e2e.example",
     "--public-key", os.path.join(WORK, "admin.public.pem"), "--json"],
    check=True, capture_output=True, text=True)
org = json.loads(init.stdout)
check(set(org) == {"orgId", "userId", "username", "credentialId", "credentialUuid"}, "init --json prints exactly one object with the five ids")
again = subprocess.run(
    [SIGNET, "init", "--database", database, "--org-name", "E2E", "--email", "x@e2e.example",
     "--public-key", os.path.join(WORK, "admin.public.pem")], capture_output=True, text=True)
check(again.returncode != 0 and "already initialised" in again.stderr, "a second init fails and says why")

port = free_port()
base_url = f"http://127.0.0.1:{port}"
webhook = recovery_e2e.WebhookReceiver()
server = subprocess.Popen(
    [SIGNET, "serve", "--database", database, "--port", str(port), "--rp-id", "localhost", "--origin", f"http://localhost:{port}",
     "--registration-webhook", webhook.url],
    stdout=open(os.path.join(WORK, "serve.log"), "w"), stderr=subprocess.STDOUT)
try:
    for _ in range(100):
        try:
            urllib.request.urlopen(base_url + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)

    # Step 3: log in with the administrator's key.
    print("step 3: login", flush=True)
    # The SDK always sends a bearer token and httpx refuses an empty one; login ignores it.
    anonymous = DfnsClient(DfnsClientConfig(auth_token="login", base_url=base_url))
    admin_signer = KeySigner(credential_id=org["credentialId"], private_key=admin_private)
    challenge = anonymous.auth.create_login_challenge({"username": org["username"], "orgId": org["orgId"]})
    check(org["credentialId"] in [c["id"] for c in challenge["allowCredentials"]["key"]], "login challenge lists the admin's credential")
    token = anonymous.auth.login({"challengeIdentifier": challenge["challengeIdentifier"], "firstFactor": admin_signer.sign(challenge)})["token"]
    metadata = claims(token)["https://custom/app_metadata"]
    check(metadata == {"userId": org["userId"], "orgId": org["orgId"], "tokenKind": "Token"}, "login token carries app_metadata")
    admin = DfnsClient(DfnsClientConfig(auth_token=token, base_url=base_url, signer=admin_signer))
    expiring = policies_e2e.start_expiry(admin)

    # Step 4: PATs with keypairs made by openssl, as the seed document shows.
    print("step 4: create PATs", flush=True)
    generators = {
        "rsa": lambda out: subprocess.run(f"openssl genrsa 2048 > {out}", shell=True, check=True, capture_output=True),
        "p256": lambda out: subprocess.run(f"openssl ecparam -name prime256v1 -genkey > {out}", shell=True, check=True, capture_output=True),
        "ed25519": lambda out: openssl("genpkey", "-algorithm", "ed25519", "-out", out),
    }
    pats = {}
    for name, generate in generators.items():
        private, public = keypair(f"pat-{name}", generate)
        pat = admin.auth.create_personal_access_token({"name": f"e2e-{name}", "publicKey": public, "daysValid": 30})
        check(pat["kind"] == "Pat" and pat["tokenId"].startswith("to-") and pat["isActive"], f"{name}: PAT created")
        check(pat["linkedUserId"] == org["userId"] and pat["accessToken"], f"{name}: linked to the admin, token returned once")
        check(claims(pat["accessToken"])["jti"] == pat["tokenId"], f"{name}: jti is the tokenId")
        check(claims(pat["accessToken"])["https://custom/app_metadata"]["tokenKind"] == "Pat", f"{name}: tokenKind Pat")
        check(len(pat["permissionAssignments"]) == 1, f"{name}: has the caller's role")
        check(pat["credId"].startswith("cr-"), f"{name}: credId is the credential's cr-… id, as the Dfns docs show")
        client = DfnsClient(DfnsClientConfig(
            auth_token=pat["accessToken"], base_url=base_url, signer=KeySigner(credential_id=pat["credId"], private_key=private)))
        renamed = client.auth.update_personal_access_token(pat["tokenId"], {"name": f"e2e-{name}-renamed"})
        check(renamed["name"] == f"e2e-{name}-renamed", f"{name}: the PAT signs its own user action with its key")
        pats[name] = (pat, client)

    # Step 5: manage the PATs.
    print("step 5: manage PATs", flush=True)
    listed = admin.auth.list_personal_access_tokens()["items"]
    check(sorted(p["tokenId"] for p in listed) == sorted(p["tokenId"] for p, _ in pats.values()), "list shows the caller's PATs")
    check(all("accessToken" not in p for p in listed), "list never shows the access token again")
    pat, client = pats["p256"]
    check("accessToken" not in admin.auth.get_personal_access_token(pat["tokenId"]), "get never shows the access token again")

    error = expect_error(403, "a PAT cannot create a PAT", lambda: client.auth.create_personal_access_token(
        {"name": "nested", "publicKey": keypair("nested", generators["ed25519"])[1]}))
    check(error is not None and error.message == f"Pat {pat['tokenId']} is not authorized to perform operation (Auth:Pats:Create)",
          "with the Dfns message")

    admin.auth.deactivate_personal_access_token(pat["tokenId"])
    expect_error(401, "a deactivated PAT", lambda: client.auth.list_personal_access_tokens())
    admin.auth.activate_personal_access_token(pat["tokenId"])
    check(len(client.auth.list_personal_access_tokens()["items"]) == 3, "a reactivated PAT works again")
    deleted = admin.auth.delete_personal_access_token(pat["tokenId"])
    check(deleted["isActive"] is False, "delete returns the ended PAT")
    expect_error(401, "a deleted PAT", lambda: client.auth.list_personal_access_tokens())
    expect_error(404, "a deleted PAT is gone", lambda: admin.auth.get_personal_access_token(pat["tokenId"]))

    private, public = keypair("short", generators["ed25519"])
    short = admin.auth.create_personal_access_token({"name": "short", "publicKey": public, "secondsValid": 4})
    short_client = DfnsClient(DfnsClientConfig(auth_token=short["accessToken"], base_url=base_url))
    check(len(short_client.auth.list_personal_access_tokens()["items"]) == 3, "a short-lived PAT works")
    time.sleep(5)
    expect_error(401, "an expired PAT", lambda: short_client.auth.list_personal_access_tokens())

    expect_error(409, "a reused public key", lambda: admin.auth.create_personal_access_token({"name": "reuse", "publicKey": public}))
    expect_error(400, "an unknown field", lambda: admin.auth.create_personal_access_token(
        {"name": "x", "publicKey": keypair("extra", generators["ed25519"])[1], "admin": True}))

    # Administration (issue 3): service accounts, a role change restricting a PAT at once, key rotation.
    print("service accounts", flush=True)
    reader = admin.permissions.create_permission(
        {"name": "bot", "operations": ["Auth:Users:Read", "Auth:ServiceAccounts:Read", "Auth:ServiceAccounts:Update"]})
    bot_private, bot_public = keypair("bot", generators["p256"])
    bot = admin.auth.create_service_account({"name": "e2e-bot", "publicKey": bot_public, "permissionId": reader["id"]})
    bot_id, bot_token = bot["userInfo"]["userId"], bot["accessTokens"][0]
    check(bot["userInfo"]["isServiceAccount"] and bot_token["accessToken"], "service account created with its token")
    bot_client = DfnsClient(DfnsClientConfig(
        auth_token=bot_token["accessToken"], base_url=base_url, signer=KeySigner(credential_id=bot_token["credId"], private_key=bot_private)))
    check(len(bot_client.auth.list_users()["items"]) == 1, "the service account reads users with its own role")
    check(bot_client.auth.update_service_account(bot_id, {"name": "e2e-bot-2"})["userInfo"]["name"] == "e2e-bot-2",
          "the service account signs its own user action")
    expect_error(403, "the service account cannot exceed its role", lambda: bot_client.permissions.list_permissions())
    admin.auth.deactivate_service_account(bot_id, {})
    expect_error(401, "a deactivated service account", lambda: bot_client.auth.list_users())
    admin.auth.activate_service_account(bot_id)
    check(len(bot_client.auth.list_users()["items"]) == 1, "a reactivated service account works again")
    # The service account rotates its own key with overlap (createServiceAccountCredential, then
    # deleteServiceAccountCredential signed with the new key).
    bot2_private, bot2_public = keypair("bot2", generators["ed25519"])
    added = bot_client.auth.create_service_account_credential({"publicKey": bot2_public, "name": "next"})
    check(added["kind"] == "Key" and added["isActive"] and added["name"] == "next", "the service account adds a key of its own")
    bot_client = DfnsClient(DfnsClientConfig(
        auth_token=bot_token["accessToken"], base_url=base_url, signer=KeySigner(credential_id=added["credentialId"], private_key=bot2_private)))
    old_uuid = [c["credentialUuid"] for c in bot_client.auth.list_credentials()["items"] if c["credentialUuid"] != added["credentialUuid"]]
    bot_client.auth.delete_service_account_credential(old_uuid[0])
    check([c["credentialUuid"] for c in bot_client.auth.list_credentials()["items"]] == [added["credentialUuid"]],
          "it deletes the old key, signing with the new one")
    expect_error(409, "its last key stays", lambda: bot_client.auth.delete_service_account_credential(added["credentialUuid"]))

    print("a role change restricts a PAT on its very next request", flush=True)
    dev_role = admin.permissions.create_permission({"name": "dev", "operations": ["Auth:Pats:Create", "Auth:Users:Read"]})
    dev_private, dev_public = keypair("dev", generators["ed25519"])
    dev = admin.auth.create_user({"email": "dev@e2e.example", "kind": "CustomerEmployee", "publicKey": dev_public})
    admin.permissions.assign_permission(dev_role["id"], {"identityId": dev["userId"]})
    dev_challenge = anonymous.auth.create_login_challenge({"username": "dev@e2e.example", "orgId": org["orgId"]})
    dev_signer = KeySigner(credential_id=dev_challenge["allowCredentials"]["key"][0]["id"], private_key=dev_private)
    dev_token = anonymous.auth.login({"challengeIdentifier": dev_challenge["challengeIdentifier"], "firstFactor": dev_signer.sign(dev_challenge)})["token"]
    dev_client = DfnsClient(DfnsClientConfig(auth_token=dev_token, base_url=base_url, signer=dev_signer))
    ci_private, ci_public = keypair("ci", generators["ed25519"])
    ci = dev_client.auth.create_personal_access_token({"name": "ci", "publicKey": ci_public})
    ci_client = DfnsClient(DfnsClientConfig(
        auth_token=ci["accessToken"], base_url=base_url, signer=KeySigner(credential_id=ci["credId"], private_key=ci_private)))
    check(len(ci_client.auth.list_users()["items"]) == 2, "the PAT reads users through its user's role")
    admin.permissions.update_permission(dev_role["id"], {"operations": ["Auth:Pats:Create"]})
    expect_error(403, "the PAT's next request after the role was narrowed", lambda: ci_client.auth.list_users())

    print("a key added from another device with a one-time code", flush=True)
    credential_code_e2e.run(check, expect_error, dev_client, anonymous, "dev@e2e.example", org["orgId"], base_url)

    print("user groups", flush=True)
    user_groups_e2e.run(check, expect_error, admin, dev_client, dev["userId"])
    print("webhooks", flush=True)
    webhooks_e2e.run(check, expect_error, admin)
    print("policies and approvals", flush=True)
    policies_e2e.run(check, expect_error, admin, anonymous, org["orgId"], base_url)

    print("key rotation", flush=True)
    challenge = ci_client.auth.create_credential_challenge({"kind": "Key"})
    new_key = ed25519.Ed25519PrivateKey.generate()
    new_pem = new_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    client_data = json.dumps({"type": "key.create", "challenge": challenge["challenge"], "origin": "https://app.dfns.io",
                              "crossOrigin": False}, separators=(",", ":")).encode()
    signed_text = json.dumps({"clientDataHash": hashlib.sha256(client_data).hexdigest(), "publicKey": new_pem}, separators=(",", ":"))
    attestation = json.dumps({"publicKey": new_pem, "signature": new_key.sign(signed_text.encode()).hex()}, separators=(",", ":"))
    b64 = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    new_cred_id = b64(os.urandom(32))
    created = ci_client.auth.create_credential({
        "credentialKind": "Key", "credentialName": "rotated", "challengeIdentifier": challenge["challengeIdentifier"],
        "credentialInfo": {"credId": new_cred_id, "clientData": b64(client_data), "attestationData": b64(attestation.encode())}})
    check(created["credentialId"] == new_cred_id and created["isActive"], "the PAT added a key, signed by its current key")
    old_uuid = next(c["credentialUuid"] for c in ci_client.auth.list_credentials()["items"] if c["credentialId"] == ci["credId"])
    new_pem_private = new_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    rotated = DfnsClient(DfnsClientConfig(
        auth_token=ci["accessToken"], base_url=base_url, signer=KeySigner(credential_id=new_cred_id, private_key=new_pem_private)))
    rotated.auth.deactivate_credential({"credentialUuid": old_uuid})
    expect_error(403, "the old key can no longer sign", lambda: ci_client.auth.update_personal_access_token(ci["tokenId"], {"name": "old"}))
    check(rotated.auth.update_personal_access_token(ci["tokenId"], {"name": "new"})["name"] == "new", "the new key signs")
    new_uuid = created["credentialUuid"]
    by_uuid = DfnsClient(DfnsClientConfig(
        auth_token=ci["accessToken"], base_url=base_url, signer=KeySigner(credential_id=new_uuid, private_key=new_pem_private)))
    check(by_uuid.auth.update_personal_access_token(ci["tokenId"], {"name": "by-uuid"})["name"] == "by-uuid",
          "KeySigner configured with the cr-… id of a key registered under its own credId signs too")
    check(len(rotated.auth.list_personal_access_tokens()["items"]) == 1, "the bearer token never changed")
    logs = admin.auth.list_audit_logs({"startTime": "2000-01-01T00:00:00Z", "endTime": "2100-01-01T00:00:00Z"})
    check(logs is None, "the SDK's list_audit_logs call is accepted (it discards the body)")

    print("account recovery with a recovery key", flush=True)
    dev_client.pat = ci_client
    recovery_e2e.run(check, expect_error, dev_client, webhook, "dev@e2e.example", org["orgId"], base_url)

    print("an approval that expired", flush=True)
    policies_e2e.finish_expiry(check, expect_error, admin, expiring)
    print("step: passkeys", flush=True)
    passkey_e2e.run(check, expect_error, admin, org, base_url, port)

    admin.auth.logout({})
    expect_error(401, "a logged-out session", lambda: admin.auth.list_personal_access_tokens())
    rsa_pat, rsa_client = pats["rsa"]
    check(len(rsa_client.auth.list_personal_access_tokens()["items"]) >= 2, "PATs outlive the session that made them")
finally:
    server.terminate()
    server.wait(timeout=10)

log = open(os.path.join(WORK, "serve.log")).read()
check(all(p["accessToken"] not in log for p, _ in pats.values()) and token not in log, "no token appears in the server log")
check("refused" in log and "status=403" in log and "is not authorized to perform operation" in log,
      "refusals of Signet's own routes are logged with status and reason")

print("HTTPS served by signet itself", flush=True)
tls_e2e.run(check, SIGNET, WORK, database, org, admin_private)

print(f"\n{'FAILED: ' + str(len(failures)) + ' check(s)' if failures else 'all end-to-end checks passed'}")
sys.exit(1 if failures else 0)
