"""The policies part of the end-to-end test, through dfns_sdk's generated policies and permissions
clients (Dfns Policies v2): an assignment held for two approval groups (2 of 3, and 1 of 1),
answered 202; the initiator and a second decision refused; applied exactly once when the last
quorum is met and held by the assignee on their next request; a revocation denied; a policy change
needing the policy's own approvals."""
import time

from dfns_sdk import DfnsClient, DfnsClientConfig
from dfns_sdk.auth import KeySigner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519


def person(admin, anonymous, org_id, base_url, email, role_id=None):
    """A person with an Ed25519 key, logged in; returns (user id, client)."""
    user_id, client_for = logged_in(admin, anonymous, org_id, email, role_id)
    return user_id, client_for(base_url)


def logged_in(admin, anonymous, org_id, email, role_id=None):
    """A person with an Ed25519 key, logged in; returns (user id, a function making their client for a server's URL)."""
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    user = admin.auth.create_user({"email": email, "kind": "CustomerEmployee", "publicKey": public})
    if role_id:
        admin.permissions.assign_permission(role_id, {"identityId": user["userId"]})
    challenge = anonymous.auth.create_login_challenge({"username": email, "orgId": org_id})
    signer = KeySigner(credential_id=challenge["allowCredentials"]["key"][0]["id"], private_key=private)
    token = anonymous.auth.login({"challengeIdentifier": challenge["challengeIdentifier"], "firstFactor": signer.sign(challenge)})["token"]
    return user["userId"], lambda url: DfnsClient(DfnsClientConfig(auth_token=token, base_url=url, signer=signer))


def run(check, expect_error, admin, anonymous, org_id, base_url):
    deciders = admin.permissions.create_permission(
        {"name": "deciders", "operations": ["Policies:Approvals:Approve", "Policies:Approvals:Read", "Auth:Users:Read"]})
    approvers = [person(admin, anonymous, org_id, base_url, f"approver{i}@e2e.example", deciders["id"]) for i in range(4)]
    ids = [user_id for user_id, _ in approvers]
    treasury = admin.permissions.create_permission({"name": "treasury", "operations": ["Auth:Users:Read"]})
    assignee_id, assignee = person(admin, anonymous, org_id, base_url, "assignee@e2e.example")
    policy = admin.policies.create_policy({
        "name": "Treasury needs two admins and the auditor",
        "activityKind": "Permissions:Assign",
        "rule": {"kind": "AlwaysTrigger"},
        "action": {"kind": "RequestApproval", "autoRejectTimeout": None, "approvalGroups": [
            {"name": "Admins", "quorum": 2, "approvers": {"userId": {"in": ids[:3]}}},
            {"name": "Auditor", "quorum": 1, "approvers": {"userId": {"in": ids[3:]}}}]},
        "filters": {"permissionId": {"in": [treasury["id"]]}},
    })
    check(policy["id"].startswith("pl-") and policy["status"] == "Active", "create_policy answers the active policy")
    check(admin.policies.get_policy(policy["id"])["name"] == policy["name"], "get_policy reads it")
    check(policy["id"] in [p["id"] for p in admin.policies.list_policies({"status": "Active"})["items"]], "list_policies lists it")

    held = admin.permissions.assign_permission(treasury["id"], {"identityId": assignee_id})
    check(held.get("status") == "Pending" and held.get("kind") == "Assignment" and held.get("approvalId", "").startswith("ap-"),
          "a covered assignment answers 202 with the pending change request")
    approval_id = held["approvalId"]
    expect_error(403, "before approval the assignee holds nothing", lambda: assignee.auth.list_users())
    expect_error(403, "the initiator cannot approve", lambda: admin.policies.create_approval_decision(approval_id, {"value": "Approved"}))
    approvers[0][1].policies.create_approval_decision(approval_id, {"value": "Approved", "reason": "checked"})
    expect_error(409, "an approver decides once", lambda: approvers[0][1].policies.create_approval_decision(approval_id, {"value": "Approved"}))
    second = approvers[1][1].policies.create_approval_decision(approval_id, {"value": "Approved"})
    check(second["status"] == "Pending", "two admins are not enough without the auditor")
    last = approvers[3][1].policies.create_approval_decision(approval_id, {"value": "Approved"})
    check(last["status"] == "Approved" and last["activity"]["changeRequest"]["status"] == "Applied" and len(last["decisions"]) == 3,
          "the auditor's approval meets the last quorum and the assignment is applied")
    holders = [a["identityId"] for a in admin.permissions.list_assignments(treasury["id"])["items"]]
    check(holders == [assignee_id], "applied exactly once")
    check(len(assignee.auth.list_users()["items"]) >= 2, "the assignee holds the role on their next request")
    expect_error(409, "a decision after the approval is settled", lambda: approvers[2][1].policies.create_approval_decision(approval_id, {"value": "Approved"}))
    check(admin.policies.get_approval(approval_id)["status"] == "Approved", "get_approval reads it")
    check(approval_id in [a["id"] for a in admin.policies.list_approvals({"status": "Approved"})["items"]], "list_approvals lists it")

    assignment_id = admin.permissions.list_assignments(treasury["id"])["items"][0]["id"]
    # revoke_permission returns nothing (the SDK drops the 202's body): the approval is listed as pending.
    admin.permissions.revoke_permission(treasury["id"], assignment_id)
    pending = admin.policies.list_approvals({"status": "Pending"})["items"]
    revoke = [a for a in pending if a["activity"]["changeRequest"]["entityId"] == assignment_id]
    check(len(revoke) == 1 and revoke[0]["activity"]["changeRequest"]["operationKind"] == "Delete",
          "a covered revocation is held as well (listed as pending)")
    denied = approvers[2][1].policies.create_approval_decision(revoke[0]["id"], {"value": "Denied", "reason": "no"})
    check(denied["status"] == "Denied" and denied["activity"]["changeRequest"]["status"] == "Rejected", "one denial rejects it")
    check(len(assignee.auth.list_users()["items"]) >= 2, "the denied revocation changed nothing")

    archived = admin.policies.delete_policy(policy["id"])
    check(archived.get("kind") == "Policy" and archived.get("status") == "Pending", "archiving the policy needs its own approvals")
    for index in (0, 1, 3):
        result = approvers[index][1].policies.create_approval_decision(archived["approvalId"], {"value": "Approved"})
    check(result["activity"]["changeRequest"]["status"] == "Applied", "approved, the policy is archived")
    check(admin.policies.get_policy(policy["id"])["status"] == "Archived", "get_policy shows it archived")


def start_expiry(admin):
    """Early in the run: an assignment held by a policy that expires after a minute (the shortest
    timeout); finish_expiry checks it at the end of the run."""
    role = admin.permissions.create_permission({"name": "expiring", "operations": ["Auth:Users:Read"]})
    policy = admin.policies.create_policy({
        "name": "Expires", "activityKind": "Permissions:Assign", "rule": {"kind": "AlwaysTrigger"},
        "action": {"kind": "RequestApproval", "autoRejectTimeout": 1,
                   "approvalGroups": [{"quorum": 1, "approvers": {}, "initiatorCanApprove": True}]},
        "filters": {"permissionId": {"in": [role["id"]]}},
    })
    users = admin.auth.list_users()["items"]
    held = admin.permissions.assign_permission(role["id"], {"identityId": users[0]["userId"]})
    return {"started": time.time(), "role": role, "policy": policy, "held": held}


def finish_expiry(check, expect_error, admin, state):
    """At the end of the run (a minute later): the approval expired and takes no decision."""
    # Not before the one-minute timeout can have passed on the server; then until the server says so.
    time.sleep(max(0.0, state["started"] + 60 - time.time()))
    approval_id = state["held"].get("approvalId", "")
    approval = admin.policies.get_approval(approval_id)
    while approval["status"] == "Pending" and time.time() < state["started"] + 180:
        time.sleep(0.2)
        approval = admin.policies.get_approval(approval_id)
    check(approval["status"] == "Expired" and approval["activity"]["changeRequest"]["status"] == "Rejected",
          "past autoRejectTimeout the approval is Expired")
    expect_error(409, "an expired approval takes no decision",
                 lambda: admin.policies.create_approval_decision(approval_id, {"value": "Approved"}))
    check(admin.permissions.list_assignments(state["role"]["id"])["items"] == [], "the expired assignment was never applied")
    archived = admin.policies.delete_policy(state["policy"]["id"])
    result = admin.policies.create_approval_decision(archived["approvalId"], {"value": "Approved"})
    check(result["status"] == "Approved", "the initiator, allowed by the group, approves archiving it")
