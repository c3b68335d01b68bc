"""Policies and approvals in the browser: a policy made on the Policies page holds an assignment made
on the Roles page (the page says so instead of claiming it was done); the Approvals page lists it as
waiting for the administrator's decision, shows the change in full, and approving it (signed with the
passkey) applies it; archiving the policy is held for its own approval, approved the same way. Then
a token a policy holds: made on the PATs page, approved on the Approvals page, claimed on the PATs
page, where its token is shown once."""
import re

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from harness import check
from selenium.webdriver.support.ui import Select

USER_ID = r"us-[0-9a-z]{5}-[0-9a-z]{5}-[0-9a-z]{16}"


def user_id(browser, email):
    browser.open(browser.base + "/settings/users")
    browser.text("#user-table tbody", email)
    row = browser.js("return [...document.querySelectorAll('#user-table tbody tr')].find((tr) => tr.textContent.includes(arguments[0])).textContent", email)
    return re.search(USER_ID, row).group(0)


def approve_first_waiting(browser, expect, outcome="Applied"):
    browser.open(browser.base + "/settings/approvals")
    browser.text("#mine-table tbody", expect)
    browser.find("#mine-table tbody button[aria-label^='View ap-']").click()
    browser.find("#approval-change")
    change = browser.find("#approval-change").text
    browser.shot("approval-detail")
    browser.fill("#approval-reason", "checked in the browser")
    browser.button("Approve and sign with your passkey").click()
    browser.text("#status", outcome)
    browser.find("#mine-empty")
    return change


def approvals(browser, server):
    admin = user_id(browser, "admin@signet.local")
    second = user_id(browser, "second@example.com")
    browser.open(browser.base + "/settings/roles")
    browser.text("#role-table tbody", "read-only")
    role = browser.js("return [...document.querySelectorAll('#role-table tbody tr')].find((tr) => tr.textContent.includes('read-only')).dataset.roleId")

    browser.open(browser.base + "/settings/policies")
    browser.find("#policies-empty")
    browser.button("New policy").click()
    browser.fill("#policy-name", "Read-only grants")
    Select(browser.find("#policy-activity")).select_by_value("Permissions:Assign")
    browser.fill("#policy-groups", "one:" + admin)
    browser.button("Create and sign with your passkey").click()
    browser.text("#policy-groups-error", "one group per line")
    browser.fill("#policy-groups", "1:" + admin)
    browser.find("#policy-initiator").click()
    browser.fill("#policy-filter", role)
    browser.shot("policy-form")
    browser.button("Create and sign with your passkey").click()
    check("1 of " + admin in browser.text("#policy-table tbody", "Read-only grants"), "the new policy is listed with its group")

    browser.open(browser.base + "/settings/roles")
    browser.find("button[aria-label='Assignments of read-only']").click()
    browser.fill("#assign-identity", second)
    browser.button("Assign and sign with your passkey").click()
    browser.text("#status", "held for approval")
    check(second not in browser.find("#assignment-list").text, "a held assignment is not listed as done")

    change = approve_first_waiting(browser, "Permissions:Assign")
    check(second in change and role in change, "the Approvals page shows the change in full")
    first = "return document.querySelector('#approval-table tbody tr td:nth-of-type(2)').textContent"
    check(browser.js(first) == "Approved", "the history shows it approved, newest first")
    browser.open(browser.base + "/settings/roles")
    browser.find("button[aria-label='Assignments of read-only']").click()
    browser.text("#assignment-list", second)

    browser.open(browser.base + "/settings/policies")
    browser.find("button[aria-label='Archive Read-only grants']").click()
    browser.find("#confirm-ok").click()
    browser.text("#status", "held for approval")
    approve_first_waiting(browser, "Policies:Modify")
    browser.open(browser.base + "/settings/policies")
    browser.text("#policy-table tbody", "Archived")
    held_token(browser, role, admin)


def held_token(browser, role, admin):
    """An Auth:Pats:Create policy on the read-only role: the new PAT is held, approved, then claimed."""
    browser.open(browser.base + "/settings/policies")
    browser.button("New policy").click()
    browser.fill("#policy-name", "Read-only tokens")
    Select(browser.find("#policy-activity")).select_by_value("Auth:Pats:Create")
    browser.fill("#policy-groups", "1:" + admin)
    browser.find("#policy-initiator").click()
    browser.fill("#policy-filter", role)
    browser.button("Create and sign with your passkey").click()
    browser.text("#policy-table tbody", "Read-only tokens")

    public = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    browser.open(browser.base + "/settings/developers/personal-access-tokens")
    browser.button("New Personal Access Token").click()
    browser.fill("#pat-name", "held-bot")
    browser.fill("#pat-public-key", public)
    browser.text("#pat-role", "read-only")
    Select(browser.find("#pat-role")).select_by_visible_text("read-only")
    browser.button("Create and sign with your passkey").click()
    browser.text("#status", "Once approved, you claim it")
    approval = browser.js("return document.getElementById('pat-claim-approval').value")
    check(approval.startswith("ap-") and "held-bot" not in browser.find("#pat-table tbody").text,
          "a held PAT is not created; its approval id waits in the claim form")
    browser.allowed_errors.append(r"/claim - Failed to load resource: .* 409")  # the refusal this step provokes
    browser.button("Claim and sign with your passkey").click()
    browser.text("#pat-claim-error", "nothing to claim")
    browser.console_clean("claim-too-early")
    browser.allowed_errors.clear()

    change = approve_first_waiting(browser, "Auth:Pats:Create", "Claimable")
    check("held-bot" in change and role in change, "the Approvals page shows the token asked for")
    browser.open(browser.base + "/settings/developers/personal-access-tokens")
    browser.find("#pat-claim summary").click()
    browser.fill("#pat-claim-approval", approval)
    browser.button("Claim and sign with your passkey").click()
    browser.text("#status", "Claimed held-bot")
    check(browser.js("return document.getElementById('pat-token').value").count(".") == 2, "the claimed token is shown once")
    browser.text("#pat-table tbody", "held-bot")
