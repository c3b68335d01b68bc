"""Approvals on two nodes, end to end with dfns_sdk: two `signet serve` processes on one PostgreSQL
database (the throwaway cluster of scripts/with-postgres, SIGNET_TEST_POSTGRES_URL). A policy with two
groups (2 of 3, and 1 of 1) holds an assignment made on node A; approvers decide on both nodes, the
last two at the same moment on different nodes; the assignment is applied exactly once, and the
assignee holds the role on their next request on both nodes.

usage: policies_nodes_e2e.py SIGNET WORK_DIR"""
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from dfns_sdk import DfnsClient, DfnsClientConfig
from dfns_sdk.auth import KeySigner

import policies_e2e
from e2e_checks import check, expect_error, failures

SIGNET, WORK = sys.argv[1:3]
DATABASE = os.environ["SIGNET_TEST_POSTGRES_URL"]


def free_port():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(port, name):
    log = open(os.path.join(WORK, f"{name}.log"), "w")
    process = subprocess.Popen([SIGNET, "serve", "--database", DATABASE, "--port", str(port), "--log-level", "notice"],
                               stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"node {name} never answered")


def main():
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    public_path = os.path.join(WORK, "admin.public.pem")
    with open(public_path, "w") as file:
        file.write(key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode())
    org = json.loads(subprocess.run([SIGNET, "init", "--database", DATABASE, "--org-name", "Nodes", "--email", "admin@nodes.example",
                                     "--public-key", public_path, "--json"], check=True, capture_output=True, text=True).stdout)
    ports = [free_port(), free_port()]
    nodes = [start(ports[0], "a"), start(ports[1], "b")]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        anonymous = DfnsClient(DfnsClientConfig(auth_token="login", base_url=urls[0]))
        signer = KeySigner(credential_id=org["credentialId"], private_key=private)
        challenge = anonymous.auth.create_login_challenge({"username": org["username"], "orgId": org["orgId"]})
        token = anonymous.auth.login({"challengeIdentifier": challenge["challengeIdentifier"], "firstFactor": signer.sign(challenge)})["token"]
        admin = DfnsClient(DfnsClientConfig(auth_token=token, base_url=urls[0], signer=signer))
        deciders = admin.permissions.create_permission({"name": "deciders", "operations": ["Policies:Approvals:Approve", "Policies:Approvals:Read"]})
        # Approvers 0 and 2 work on node A, 1 and 3 on node B.
        people = [policies_e2e.logged_in(admin, anonymous, org["orgId"], f"approver{i}@nodes.example", deciders["id"]) for i in range(4)]
        approvers = [(user_id, client(urls[i % 2])) for i, (user_id, client) in enumerate(people)]
        ids = [user_id for user_id, _ in approvers]
        treasury = admin.permissions.create_permission({"name": "treasury", "operations": ["Auth:Users:Read"]})
        assignee_id, assignee = policies_e2e.logged_in(admin, anonymous, org["orgId"], "assignee@nodes.example")
        admin.policies.create_policy({
            "name": "Treasury: two admins and the auditor", "activityKind": "Permissions:Assign", "rule": {"kind": "AlwaysTrigger"},
            "action": {"kind": "RequestApproval", "approvalGroups": [
                {"name": "Admins", "quorum": 2, "approvers": {"userId": {"in": ids[:3]}}},
                {"name": "Auditor", "quorum": 1, "approvers": {"userId": {"in": ids[3:]}}}]},
            "filters": {"permissionId": {"in": [treasury["id"]]}}})
        held = admin.permissions.assign_permission(treasury["id"], {"identityId": assignee_id})
        check(held.get("status") == "Pending" and held.get("kind") == "Assignment", "node A: the assignment answers 202, pending")
        approval_id = held["approvalId"]
        readers = [assignee(url) for url in urls]
        for index, client in enumerate(readers):
            expect_error(403, f"node {'AB'[index]}: before approval the assignee holds nothing", lambda client=client: client.auth.list_users())
        approvers[0][1].policies.create_approval_decision(approval_id, {"value": "Approved"})
        results = {}

        def decide(index):
            try:
                results[index] = approvers[index][1].policies.create_approval_decision(approval_id, {"value": "Approved"})["status"]
            except Exception as error:  # dfns_sdk raises its own error types
                results[index] = repr(error)
        threads = [threading.Thread(target=decide, args=(index,)) for index in (2, 3)]  # node A and node B at once
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        # Each is needed (one per group): the one that commits second sees both and meets the approval.
        check(sorted(results.values()) == ["Approved", "Pending"],
              f"the last two decisions, on node A and node B at once, both recorded, one meeting the approval ({results})")
        approval = admin.policies.get_approval(approval_id)
        check(approval["status"] == "Approved" and approval["activity"]["changeRequest"]["status"] == "Applied", "the approval is Approved, Applied")
        for index, url in enumerate(urls):
            node_admin = DfnsClient(DfnsClientConfig(auth_token=token, base_url=url, signer=signer))
            holders = [a["identityId"] for a in node_admin.permissions.list_assignments(treasury["id"])["items"]]
            check(holders == [assignee_id], f"node {'AB'[index]}: applied exactly once ({holders})")
        for index, client in enumerate(readers):
            check(len(client.auth.list_users()["items"]) >= 2, f"node {'AB'[index]}: the assignee holds the role on their next request")
    finally:
        for node in nodes:
            node.terminate()
            node.wait(30)
    if failures:
        print(f"{len(failures)} two-node policy check(s) failed")
        sys.exit(1)
    print("two-node policy test passed")


main()
