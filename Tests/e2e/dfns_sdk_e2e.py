"""End-to-end test: the public Python `dfns_sdk`, unchanged, against a live `signet serve`.

Drives the issue's steps 2 to 5: `signet init`, key-credential login, PAT creation with keypairs
made by openssl (RSA 2048, P-256, Ed25519), the PAT signing its own user actions with the SDK's
KeySigner, and the whole PAT lifecycle. Run by scripts/e2e-dfns-sdk.sh, which provides the
virtual environment, the `signet` binary and a scratch folder.

Usage: python dfns_sdk_e2e.py SIGNET_BINARY WORK_FOLDER
"""

import base64
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from dfns_sdk import DfnsClient, DfnsClientConfig
from dfns_sdk.auth import KeySigner
from dfns_sdk.types import DfnsError

SIGNET, WORK = sys.argv[1], sys.argv[2]
failures = []


def check(condition, what):
    print(("  ok   " if condition else "  FAIL ") + what, flush=True)
    if not condition:
        failures.append(what)


def expect_error(status, what, call):
    try:
        call()
    except DfnsError as error:
        check(error.status_code == status, f"{what}: {status} (got {error.status_code}: {error.message})")
        return error
    check(False, f"{what}: {status} (the call succeeded)")
    return None


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
server = subprocess.Popen(
    [SIGNET, "serve", "--database", database, "--port", str(port)],
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
    short = admin.auth.create_personal_access_token({"name": "short", "publicKey": public, "secondsValid": 2})
    short_client = DfnsClient(DfnsClientConfig(auth_token=short["accessToken"], base_url=base_url))
    check(len(short_client.auth.list_personal_access_tokens()["items"]) == 3, "a short-lived PAT works")
    time.sleep(3)
    expect_error(401, "an expired PAT", lambda: short_client.auth.list_personal_access_tokens())

    expect_error(409, "a reused public key", lambda: admin.auth.create_personal_access_token({"name": "reuse", "publicKey": public}))
    expect_error(400, "an unknown field", lambda: admin.auth.create_personal_access_token(
        {"name": "x", "publicKey": keypair("extra", generators["ed25519"])[1], "admin": True}))

    admin.auth.logout({})
    expect_error(401, "a logged-out session", lambda: admin.auth.list_personal_access_tokens())
    rsa_pat, rsa_client = pats["rsa"]
    check(len(rsa_client.auth.list_personal_access_tokens()["items"]) >= 2, "PATs outlive the session that made them")
finally:
    server.terminate()
    server.wait(timeout=10)

log = open(os.path.join(WORK, "serve.log")).read()
check(all(p["accessToken"] not in log for p, _ in pats.values()) and token not in log, "no token appears in the server log")

print(f"\n{'FAILED: ' + str(len(failures)) + ' check(s)' if failures else 'all end-to-end checks passed'}")
sys.exit(1 if failures else 0)
