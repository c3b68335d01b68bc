"""The gateway end to end: the real dfns_sdk calls `wallets.list_wallets()` (the last line of the
documentation's PAT page) through `signet serve --gateway` to the example wallets upstream, which
trusts only Signet's X-Signet-Identity.

usage: gateway_e2e.py SIGNET WORK_DIR"""
import base64
import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from dfns_sdk import DfnsClient, DfnsClientConfig
import fast_auth
from e2e_checks import check, expect_error, failures
from dfns_sdk.auth import KeySigner

SIGNET, WORK = sys.argv[1:3]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# An upstream that accepts connections (the kernel's backlog) and never answers.
SILENT = socket.socket()
SILENT.bind(("127.0.0.1", 0))
SILENT.listen(16)




def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def keypair():
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    return public, private


def wait_for(url):
    for _ in range(300):
        try:
            return urllib.request.urlopen(url, timeout=1)
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} never answered")


def raw(port, method, path, headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    return response.status, response.read()


def raw_bytes(port, data):
    """Sends bytes as they are (for requests no HTTP library would send) and returns the status code."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(data)
        answer = connection.recv(65536)
    return int(answer.split(b" ")[1]) if answer.startswith(b"HTTP/1.1 ") else answer


def login(base_url, org_id, username, credential_id, private):
    anonymous = DfnsClient(DfnsClientConfig(auth_token="login", base_url=base_url))
    signer = KeySigner(credential_id=credential_id, private_key=private)
    challenge = anonymous.auth.create_login_challenge({"username": username, "orgId": org_id})
    token = anonymous.auth.login({"challengeIdentifier": challenge["challengeIdentifier"], "firstFactor": signer.sign(challenge)})["token"]
    client = DfnsClient(DfnsClientConfig(auth_token=token, base_url=base_url, signer=signer))
    client.session_token = token
    return client


def pat_client(base_url, owner, name, permission_id=None):
    public, private = keypair()
    body = {"name": name, "publicKey": public}
    if permission_id:
        body["permissionId"] = permission_id
    pat = owner.auth.create_personal_access_token(body)
    pat["privateKey"] = private  # kept by the test for its Fast Auth requests
    return pat, DfnsClient(DfnsClientConfig(
        auth_token=pat["accessToken"], base_url=base_url, signer=KeySigner(credential_id=pat["credId"], private_key=private)))


def reload(server, gateway_file, text, port, pat, expect_stats, what):
    """Writes the configuration, sends SIGHUP, and waits for GET /_stats through the gateway to answer as expected."""
    import signal
    open(gateway_file, "w").write(text)
    server.send_signal(signal.SIGHUP)
    status = None
    for _ in range(100):  # up to 5 s on a loaded machine
        time.sleep(0.05)
        status, _ = raw(port, "GET", "/_stats", {"Authorization": f"Bearer {pat['accessToken']}"})
        if status == expect_stats:
            break
    time.sleep(0.3)  # a refused reload must not change the answer later either
    status, _ = raw(port, "GET", "/_stats", {"Authorization": f"Bearer {pat['accessToken']}"})
    check(status == expect_stats, f"{what} (GET /_stats through the gateway: {status})")


def reloads(server, gateway_file, port, admin, pat):
    base = open(gateway_file).read()
    stats_route = "  - method: GET\n    path: /_stats\n    upstream: wallets\n    operation: Wallets:Read\n"
    declared = base.replace("routes:\n", "operations: [Invoices:Create]\nroutes:\n", 1)
    reload(server, gateway_file, declared + stats_route, port, pat, 200, "SIGHUP loads a new route")
    role = admin.permissions.create_permission({"name": "invoicers", "operations": ["Invoices:Create"]})
    check(role["operations"] == ["Invoices:Create"], "an operation the configuration declares is assignable in roles")
    reload(server, gateway_file, base, port, pat, 200, "a file that drops an operation a role uses is refused; the routes in force stay")
    reload(server, gateway_file, "routes: [", port, pat, 200, "an invalid file is refused; the routes in force stay")
    check("operations used by roles" in open(os.path.join(WORK, "gateway-serve.log")).read(), "the refusal names the roles that use the operation")
    reload(server, gateway_file, declared, port, pat, 404, "a valid file without the route removes it")


def fast_auth_checks(port, upstream_port, pat, org_id, stats):
    """Fast Auth through the gateway and on Signet's own routes: accepted once, a replay refused."""
    body = b'{"network":"Bitcoin","name":"fast"}'
    value = fast_auth.header(pat["privateKey"], pat["credId"], "POST", "127.0.0.1", "/wallets", body, org_id)
    headers = {"Authorization": f"Bearer {pat['accessToken']}", "X-DFNS-USERACTION": value, "Content-Type": "application/json"}
    before = stats()["requests"]
    for attempt, expected in [("first", 200), ("replayed", 403)]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("POST", "/wallets", body=body, headers=headers)
        answer = connection.getresponse()
        text = answer.read()
        connection.close()
        check(answer.status == expected, f"POST /wallets with Fast Auth, {attempt}: {expected} ({answer.status} {text[:120]!r})")
    check(stats()["requests"] == before + 1, "only the first Fast Auth request reached the upstream")
    rename = json.dumps({"name": "fast-renamed"}).encode()
    path = f"/auth/pats/{pat['tokenId']}"
    value = fast_auth.header(pat["privateKey"], pat["credId"], "PUT", "127.0.0.1", path, rename, org_id)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("PUT", path, body=rename, headers=dict(headers, **{"X-DFNS-USERACTION": value}))
    answer = connection.getresponse()
    renamed = json.loads(answer.read() or b"{}")
    connection.close()
    check(answer.status == 200 and renamed.get("name") == "fast-renamed", f"PUT {path} (Signet's own route) with Fast Auth: 200")


def run(port, upstream_port):
    base_url = f"http://127.0.0.1:{port}"
    stats = lambda: json.load(urllib.request.urlopen(f"http://127.0.0.1:{upstream_port}/_stats"))
    settings = json.load(open(os.path.join(WORK, "signet-data", "admin.json")))
    admin = login(base_url, settings["orgId"], settings["username"], settings["credentialId"], open(settings["privateKeyFile"]).read())

    print("the documentation's snippet, through the gateway", flush=True)
    pat, dfns = pat_client(base_url, admin, "wallet-bot")
    check(dfns.wallets.list_wallets()["items"] == [], "dfns.wallets.list_wallets() with a PAT reaches the upstream (no wallets yet)")
    wallet = dfns.wallets.create_wallet({"network": "Ethereum", "name": "treasury"})
    check(wallet["id"].startswith("wa-") and wallet["name"] == "treasury", "create_wallet, a signed user action, creates a wallet")
    seen = stats()["lastHeaders"]
    lower = {k.lower(): v for k, v in seen.items()}
    check("authorization" not in lower and "x-dfns-useraction" not in lower, "the upstream never sees the bearer token or the user action")
    check(lower.get("x-signet-token-id") == pat["tokenId"] and lower.get("x-signet-operation") == "Wallets:Create"
          and bool(lower.get("x-signet-user-action-id")) and lower.get("x-signet-user-id") == settings.get("userId", lower.get("x-signet-user-id")),
          "the upstream sees who acts: user, token, operation, the user action's id")
    check([w["id"] for w in dfns.wallets.list_wallets()["items"]] == [wallet["id"]], "the wallet is listed for its owner")
    check(dfns.wallets.get_wallet(wallet["id"])["id"] == wallet["id"], "get_wallet by id")

    print("Fast Auth: one-request signed writes, from a client written from the spec", flush=True)
    fast_auth_checks(port, upstream_port, pat, settings["orgId"], stats)

    print("forged identity headers and unsigned changes", flush=True)
    before = stats()["requests"]
    status, body = raw(port, "GET", "/wallets", {"Authorization": f"Bearer {pat['accessToken']}", "X-Signet-User-Id": "us-forged",
                                                  "X-Signet-Identity": "forged"})
    check(status == 200 and stats()["lastHeaders"].get("X-Signet-User-Id") != "us-forged",
          "client-sent X-Signet-* headers never reach the upstream")
    status, _ = raw(port, "POST", "/wallets", {"Authorization": f"Bearer {pat['accessToken']}", "Content-Length": "0"})
    check(status in (400, 403), f"a change without a user action is refused at the gateway ({status})")
    for path in ("/wallets/../auth/pats", "/wallets/%2e%2e/auth/pats", "/wallets/a%2Fb", "/wallets//x", "/invoices"):
        status, _ = raw(port, "GET", path, {"Authorization": f"Bearer {pat['accessToken']}"})
        check(status in (400, 404), f"GET {path} is refused ({status})")
    status, _ = raw(port, "GET", "/wallets", {})
    check(status == 401, "no bearer token: 401 at the gateway")
    check(stats()["requests"] == before + 1, "none of the refused requests reached the upstream")

    print("request smuggling and bodies", flush=True)
    before = stats()["requests"]
    token = pat["accessToken"].encode()
    status = raw_bytes(port, b"POST /wallets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                       + b"\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    check(status == 400, f"Transfer-Encoding and Content-Length together: 400 ({status})")
    status = raw_bytes(port, b"PUT /wallets/wa-1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                       + b"\r\nContent-Length: 70000\r\n\r\n" + b"x" * 70000)
    check(status == 413, f"a Content-Length over the route's maxBodyBytes: 413, nothing forwarded ({status})")
    chunk = b"x" * 8192
    body = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(9)) + b"0\r\n\r\n"
    status = raw_bytes(port, b"PUT /wallets/wa-1/notes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token
                       + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    check(status == 413, f"a chunked body that crosses maxBodyBytes while streaming: 413 ({status})")
    check(stats()["requests"] - before <= 1, "smuggled and oversized requests did not reach the upstream whole")
    # The oversized stream's partial request may reach the upstream's count late: wait until the
    # count holds still for half a second before counting the next request.
    before, settled_at = stats()["requests"], time.time()
    while time.time() - settled_at < 0.5:
        time.sleep(0.1)
        if (now := stats()["requests"]) != before:
            before, settled_at = now, time.time()
    small = b"".join(b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(2)) + b"0\r\n\r\n"
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(f"PUT /wallets/{wallet['id']}/notes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n".encode()
                           + b"Authorization: Bearer " + token + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + small)
        answer = b""
        while chunk_in := connection.recv(65536):
            answer += chunk_in
    seen = {k.lower(): v for k, v in stats()["lastHeaders"].items()}
    counted = stats()["requests"] - before
    check(answer.startswith(b"HTTP/1.1 200") and b'"bytes": 16384' in answer and counted == 1,
          f"a streamed (chunked) unsigned body reaches the upstream whole ({answer[:12]!r}, "
          f"{answer[answer.find(b'{'):][:60]!r}, {counted} request(s) counted)")
    check(seen.get("x-forwarded-for") == "127.0.0.1", "the upstream gets X-Forwarded-For")

    print("a read-only role", flush=True)
    reader_role = admin.permissions.create_permission({"name": "wallet-readers", "operations": ["Wallets:Read"]})
    _, reader = pat_client(base_url, admin, "wallet-reader", reader_role["id"])
    check(reader.wallets.list_wallets()["items"] != [], "a PAT with Wallets:Read lists wallets")
    before = stats()["requests"]
    expect_error(403, "the read-only PAT creates a wallet", lambda: reader.wallets.create_wallet({"network": "Ethereum"}))
    check(stats()["requests"] == before, "the refused create never reached the upstream")

    print("another person, and revocation", flush=True)
    maker_role = admin.permissions.create_permission(
        {"name": "wallet-makers", "operations": ["Wallets:Read", "Wallets:Create", "Auth:Pats:Create"]})
    public, private = keypair()
    person = admin.auth.create_user({"email": "second@gateway.example", "kind": "CustomerEmployee", "publicKey": public})
    admin.permissions.assign_permission(maker_role["id"], {"identityId": person["userId"]})
    anonymous = DfnsClient(DfnsClientConfig(auth_token="login", base_url=base_url))
    credential = anonymous.auth.create_login_challenge(
        {"username": "second@gateway.example", "orgId": settings["orgId"]})["allowCredentials"]["key"][0]["id"]
    second = login(base_url, settings["orgId"], "second@gateway.example", credential, private)
    second_token, second_pat = pat_client(base_url, second, "second-bot")
    check(second_pat.wallets.list_wallets()["items"] == [], "the second person sees none of the first person's wallets")
    expect_error(404, "get_wallet of another person's wallet (the upstream refuses, from the identity headers)",
                 lambda: second_pat.wallets.get_wallet(wallet["id"]))
    admin.auth.deactivate_user(person["userId"], {})
    expect_error(401, "the deactivated person's PAT, on the next request", lambda: second_pat.wallets.list_wallets())

    print("a wallet creation held for approval, forwarded once", flush=True)
    held_for_approval(base_url, settings, admin, anonymous, dfns, stats)

    print("an upstream that is down, and one that does not answer", flush=True)
    status, body = raw(port, "GET", "/down", {"Authorization": f"Bearer {pat['accessToken']}"})
    check(status == 502 and b'"error"' in body, f"an unreachable upstream is a 502 in the error envelope ({status})")
    started = time.time()
    status, body = raw(port, "GET", "/slow", {"Authorization": f"Bearer {pat['accessToken']}"})
    check(status == 504 and b'"error"' in body and time.time() - started < 5, f"an upstream slower than its timeout is a 504 ({status})")
    request = urllib.request.Request(f"{base_url}/auth/action/logs", headers={"Authorization": f"Bearer {admin.session_token}"})
    logs = json.load(urllib.request.urlopen(request))["items"]
    creations = [entry for entry in logs if entry["httpPath"] == "/wallets" and entry["httpMethod"] == "POST"]
    check(any(entry.get("responseStatus") == 200 for entry in creations), "the audit log keeps the upstream's status of a signed gateway request")
    jwks = json.load(urllib.request.urlopen(f"{base_url}/.well-known/jwks.json"))
    check(len(jwks["keys"]) >= 1 and jwks["keys"][0]["crv"] == "Ed25519", "/.well-known/jwks.json publishes the Ed25519 keys")

    status, _ = raw(port, "GET", "/auth/check/wallets", {"Authorization": f"Bearer {pat['accessToken']}"})
    check(status == 200, f"/auth/check/<path> (Envoy ext_authz style) allows GET /wallets ({status})")
    status, _ = raw(port, "DELETE", "/auth/check/wallets", {"Authorization": f"Bearer {pat['accessToken']}"})
    check(status == 403, f"/auth/check/<path> refuses a method no route allows ({status})")

    print("an identity token is no credential for another request", flush=True)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/auth/check/wallets", headers={"Authorization": f"Bearer {pat['accessToken']}"})
    answer = connection.getresponse()
    answer.read()
    identity = answer.getheader("X-Signet-Identity")
    connection.close()
    check(answer.status == 200 and bool(identity), "/auth/check answers with an identity token for GET /wallets")
    for method, path, body in [("POST", "/wallets", b'{"network":"Ethereum"}'), ("GET", f"/wallets/{wallet['id']}", None),
                               ("GET", "/wallets?all=1", None)]:
        replay = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=10)
        headers = {"X-Signet-Identity": identity, "Content-Type": "application/json"}
        replay.request(method, path, body=body, headers=headers)
        status = replay.getresponse().status
        replay.close()
        check(status == 401, f"the token from GET /wallets, replayed to the upstream as {method} {path}: refused ({status})")

    print("nginx auth_request in front of the same upstream", flush=True)
    nginx_auth_request(port, upstream_port, pat, second_token["accessToken"])
    return admin, pat


def held_for_approval(base_url, settings, admin, anonymous, dfns, stats):
    """A policy on the gateway route's operation (Signet's extension of Dfns Policies v2): dfns_sdk's
    create_wallet answers 202, the upstream sees nothing until an approver approves, then exactly once."""
    deciders = admin.permissions.create_permission(
        {"name": "gateway-deciders", "operations": ["Policies:Evaluations:Vote", "Policies:Evaluations:Read"]})
    public, private = keypair()
    person = admin.auth.create_user({"email": "approver@gateway.example", "kind": "CustomerEmployee", "publicKey": public})
    admin.permissions.assign_permission(deciders["id"], {"identityId": person["userId"]})
    credential = anonymous.auth.create_login_challenge(
        {"username": "approver@gateway.example", "orgId": settings["orgId"]})["allowCredentials"]["key"][0]["id"]
    approver = login(base_url, settings["orgId"], "approver@gateway.example", credential, private)
    group = {"quorum": 1, "approvers": {"userId": {"in": [person["userId"]]}}}
    policy = admin.policies.create_policy({"name": "New wallets need approval", "activityKind": "Wallets:Create",
                                           "rule": {"kind": "AlwaysTrigger"}, "action": {"kind": "RequestApproval", "approvalGroups": [group]}})
    before = stats()["requests"]
    held = dfns.wallets.create_wallet({"network": "Ethereum", "name": "approved"})
    check(held.get("kind") == "GatewayRequest" and held.get("status") == "Pending" and held["body"]["method"] == "POST",
          f"create_wallet under the policy answers 202 with the held request ({str(held)[:120]})")
    check(stats()["requests"] == before, "the held request has not reached the upstream")
    expect_error(403, "the initiator cannot approve their own request",
                 lambda: admin.policies.create_approval_decision(held["approvalId"], {"value": "Approved"}))
    approved = approver.policies.create_approval_decision(held["approvalId"], {"value": "Approved"})
    change = approved["activity"]["changeRequest"]
    answer = change["body"].get("response") or {}
    created = json.loads(base64.b64decode(answer.get("body", "")) or b"{}")
    check(approved["status"] == "Approved" and change["status"] == "Applied" and answer.get("status") == 200
          and created.get("name") == "approved", f"approved: forwarded, the upstream's answer kept on the approval ({change['status']})")
    check(stats()["requests"] == before + 1, "forwarded exactly once")
    seen = {k.lower(): v for k, v in stats()["lastHeaders"].items()}
    check(seen.get("x-signet-approval-id") == held["approvalId"], "the upstream sees X-Signet-Approval-Id")
    expect_error(409, "a second decision after it was forwarded",
                 lambda: approver.policies.create_approval_decision(held["approvalId"], {"value": "Approved"}))
    check(stats()["requests"] == before + 1, "still exactly once")
    archived = admin.policies.delete_policy(policy["id"])
    approver.policies.create_approval_decision(archived["approvalId"], {"value": "Approved"})
    check(admin.policies.get_policy(policy["id"])["status"] == "Archived", "the policy is archived with its approver's approval")


def nginx_auth_request(port, upstream_port, pat, reader_token):
    """nginx (Debian's) in front of the example upstream, asking Signet's /auth/check for each request."""
    import shutil
    binary = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    check(binary is not None, "nginx is installed (scripts/e2e-dfns-sdk.sh installs Debian's)")
    if binary is None:
        return
    nginx_port = free_port()
    work = os.path.join(WORK, "nginx")
    os.makedirs(work, exist_ok=True)
    template = open(os.path.join(ROOT, "Examples", "wallets-upstream", "nginx.conf")).read()
    for key, value in {"@WORK@": work, "@NGINX_PORT@": str(nginx_port), "@SIGNET_PORT@": str(port), "@UPSTREAM_PORT@": str(upstream_port)}.items():
        template = template.replace(key, value)
    if os.geteuid() == 0:
        template = "user root;\n" + template
    open(os.path.join(work, "nginx.conf"), "w").write(template)
    nginx = subprocess.Popen([binary, "-p", work, "-c", os.path.join(work, "nginx.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", nginx_port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        stats = lambda: json.load(urllib.request.urlopen(f"http://127.0.0.1:{upstream_port}/_stats"))
        bearer = {"Authorization": f"Bearer {pat['accessToken']}"}
        status, body = raw(nginx_port, "GET", "/wallets", dict(bearer, **{"X-Signet-User-Id": "us-forged"}))
        seen = {k.lower(): v for k, v in stats()["lastHeaders"].items()}
        check(status == 200 and json.loads(body)["items"] != [], f"auth_request: GET /wallets through nginx with a PAT ({status})")
        check(seen.get("x-signet-user-id") not in (None, "us-forged") and "authorization" not in seen,
              "auth_request: the upstream sees Signet's user id, not the forged one, and no bearer token")
        before = stats()["requests"]
        for method, path, headers, expected, what in [
            ("GET", "/wallets", {}, 401, "no token"),
            ("GET", "/invoices", bearer, 403, "a path no route allows"),
            ("GET", "/wallets/../auth/pats", bearer, 403, "a dot segment in the original URI"),
            ("POST", "/wallets", dict(bearer, **{"Content-Length": "0"}), 403, "a signed route (the check never sees the body)"),
            ("GET", "/wallets", {"Authorization": f"Bearer {reader_token}"}, 401, "a deactivated person's PAT"),
        ]:
            status, _ = raw(nginx_port, method, path, headers)
            check(status == expected, f"auth_request: {what}: {expected} ({status})")
        check(stats()["requests"] == before, "auth_request: no refused request reached the upstream")
    finally:
        nginx.terminate()
        nginx.wait(10)


def main():
    port, upstream_port = free_port(), free_port()
    configuration = open(os.path.join(ROOT, "Examples", "wallets-upstream", "gateway.yaml")).read()
    configuration = configuration.replace("127.0.0.1:9000", f"127.0.0.1:{upstream_port}")
    configuration += "  - method: GET\n    path: /down\n    upstream: down\n    operation: Wallets:Read\n"
    configuration += "  - method: GET\n    path: /slow\n    upstream: slow\n    operation: Wallets:Read\n"
    configuration = configuration.replace("upstreams:\n", f"upstreams:\n  slow:\n    url: http://127.0.0.1:{SILENT.getsockname()[1]}\n    timeout: 1\n", 1)
    configuration += "  - method: PUT\n    path: /wallets/{walletId}/notes\n    upstream: wallets\n    operation: Wallets:Update\n    signed: false\n"
    configuration = configuration.replace("upstreams:\n", "upstreams:\n  down:\n    url: http://127.0.0.1:1\n", 1)
    gateway_file = os.path.join(WORK, "gateway.yaml")
    open(gateway_file, "w").write(configuration)
    upstream = subprocess.Popen([sys.executable, os.path.join(ROOT, "Examples", "wallets-upstream", "wallets_upstream.py"), "--port",
                                 str(upstream_port), "--signet", f"http://127.0.0.1:{port}"], stdout=subprocess.DEVNULL)
    server = subprocess.Popen([SIGNET, "serve", "--dev", "--database", os.path.join(WORK, "signet-data", "signet.sqlite"), "--port",
                               str(port), "--gateway", gateway_file], stdout=open(os.path.join(WORK, "gateway-serve.log"), "w"),
                              stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        wait_for(f"http://127.0.0.1:{upstream_port}/_stats")
        admin, pat = run(port, upstream_port)
        print("reloading the configuration on SIGHUP", flush=True)
        reloads(server, gateway_file, port, admin, pat)
    finally:
        server.terminate()
        upstream.terminate()
        upstream.wait(10)
        started = time.time()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            check(False, "signet serve stops within 30 s of SIGTERM")
        print(f"server stopped {time.time() - started:.1f} s after SIGTERM", flush=True)
    log = open(os.path.join(WORK, "gateway-serve.log")).read()
    check("refused" in log and "status=403" in log and "is not authorized to perform operation (Wallets:Create)" in log,
          "the server log explains each refusal (status and reason)")
    check("X-Signet-Identity" not in log and "eyJ" not in log, "no token or identity JWT appears in the server log")
    if failures:
        print(f"{len(failures)} gateway check(s) failed", flush=True)
        sys.exit(1)
    print("gateway end-to-end test passed", flush=True)


if __name__ == "__main__":
    main()
