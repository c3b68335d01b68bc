"""The dashboard in a real browser (headless Chromium, virtual passkey authenticator), each flow from a
fresh browser profile: setup link → passkey → signed in; sign out and in; the documented PAT flow,
its token used with the real dfns_sdk; deactivate/reactivate; a read-only role; an invited person in
another profile; a user group and webhooks (settings_flows.py); a passkey whose user verification is refused.

usage: dashboard_test.py SIGNET WORK_DIR SCREENSHOT_DIR"""
import sys
import time
import traceback

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from dfns_sdk import DfnsClient, DfnsClientConfig
from dfns_sdk.auth import KeySigner
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from harness import Browser, Server, check
from approval_flows import approvals
from settings_flows import narrow_screen, recovery, token_inventory, user_group, webhooks

PAT_PAGE = "/settings/developers/personal-access-tokens"


def keypair(kind="ed25519"):
    key = ed25519.Ed25519PrivateKey.generate() if kind == "ed25519" else ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    return public, private


def http_status(action):
    try:
        action()
        return 200
    except Exception as error:  # dfns_sdk raises its own error types; each carries the HTTP status
        return getattr(error, "http_status", None) or getattr(error, "status", None) or getattr(error, "status_code", None) or repr(error)


def register_with_link(browser, link, email):
    browser.open(link)
    check(browser.find("#setup-username").get_attribute("value") == email, "the setup page is filled in from the link")
    check("code=" not in browser.driver.current_url, "the setup code is taken out of the address bar")
    browser.shot("setup")
    browser.button("Register passkey").click()
    browser.url_contains(PAT_PAGE)
    check(browser.text("#who", email) == email, f"registered a passkey and signed in as {email}")
    check(len(browser.passkeys()) == 1, "the authenticator holds one passkey (a resident key)")


def sign_out_and_in(browser, server):
    token = browser.js("return sessionStorage.getItem('signet.session')")
    browser.button("Sign out").click()
    browser.url_contains("/login")
    browser.text("#status", "You are signed out")
    check(server.status("GET", "/auth/whoami", token) == 401, "signing out ends the session on the server (its token gets 401)")
    browser.shot("signed-out")
    # Keyboard alone: Tab from the top of the page to the button, Enter (usernameless: the passkey on this device).
    body = browser.find("body")
    for _ in range(6):
        body = browser.driver.switch_to.active_element
        if body.get_attribute("id") == "sign-in-button":
            break
        body.send_keys(Keys.TAB)
    check(browser.driver.switch_to.active_element.get_attribute("id") == "sign-in-button", "Tab reaches the sign-in button")
    browser.driver.switch_to.active_element.send_keys(Keys.ENTER)
    browser.url_contains(PAT_PAGE)
    browser.text("#who", "@")
    check(True, "signed in again with the keyboard alone (discoverable passkey, no username)")


def create_pat(browser, name, public_key, expiration="30", role=None):
    browser.open(browser.base + PAT_PAGE)
    browser.button("New Personal Access Token").click()
    browser.fill("#pat-name", name)
    browser.fill("#pat-public-key", public_key)
    Select(browser.find("#pat-expiration")).select_by_value(expiration)
    if role:
        browser.text("#pat-role", role)
        Select(browser.find("#pat-role")).select_by_visible_text(role)
    browser.button("Create and sign with your passkey").click()


def documented_pat_flow(browser, server):
    """"Settings > Developers > Personal Access Tokens … New Personal Access Token … Create and sign with your passkey"."""
    public, private = keypair()
    browser.open(browser.base + PAT_PAGE)
    check(browser.find(".breadcrumb").text == "Settings > Developers > Personal Access Tokens", "the page is Settings > Developers > Personal Access Tokens")
    browser.button("New Personal Access Token").click()
    browser.fill("#pat-name", "ci-bot")
    browser.fill("#pat-public-key", "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----")
    browser.button("Create and sign with your passkey").click()
    check("private key" in browser.text("#pat-public-key-error", "private"), "a pasted private key is refused before submitting")
    browser.allowed_errors.append(r"/auth/pats - Failed to load resource: .* 400")  # the refusal this step provokes
    browser.fill("#pat-public-key", "-----BEGIN PUBLIC KEY-----\n" + "A" * 60 + "\n-----END PUBLIC KEY-----")
    browser.button("Create and sign with your passkey").click()
    message = browser.nonempty("#pat-public-key-error")
    check("key" in message.lower(), f"a malformed key gets the server's message next to the field ({message})")
    browser.shot("pat-key-error")
    browser.allowed_errors.clear()
    browser.fill("#pat-public-key", public)
    Select(browser.find("#pat-expiration")).select_by_value("30")
    browser.shot("pat-form")
    browser.button("Create and sign with your passkey").click()
    browser.find("#pat-result")
    check("shown once" in browser.find("#pat-result .warning").text, "the result warns the token is shown once")
    token = browser.find("#pat-token").get_attribute("value")
    credential = browser.find("#pat-credential").get_attribute("value")
    check(token.count(".") == 2 and credential.startswith("cr-"), "the page shows the access token and the Credential ID (cr-…)")
    check(f'credential_id="{credential}"' in browser.find("#pat-python").text and server.base in browser.find("#pat-python").text,
          "the Python snippet has the credential id and base URL filled in")
    check(server.settings["orgId"] in browser.find("#pat-typescript").text, "the TypeScript snippet has the org id filled in")
    browser.text("#pat-signer", "(cr-")
    signer = browser.find("#pat-signer").text
    check(signer.startswith("Passkey (cr-"),
          f"the result names the passkey that signed the creation by its name and cr-… id ({signer})")
    browser.shot("pat-created")
    row = browser.find("#pat-table tbody tr")
    check("ci-bot" in row.text and "Active" in row.text and credential in row.text, "the list shows the new token, active, with its credential")

    sdk = DfnsClient(DfnsClientConfig(auth_token=token, base_url=server.base, signer=KeySigner(credential_id=credential, private_key=private)))
    listed = sdk.auth.list_personal_access_tokens()["items"]
    check([p["name"] for p in listed] == ["ci-bot"], "dfns_sdk reads with the token copied from the page")
    renamed = sdk.auth.update_personal_access_token(listed[0]["tokenId"], {"name": "ci-bot"})
    check(renamed["name"] == "ci-bot", "dfns_sdk signs a change with KeySigner and the page's Credential ID")

    browser.button("Done").click()
    browser.find("button[aria-label='Deactivate ci-bot']").click()
    browser.find("#confirm-ok").click()
    browser.text("#pat-table tbody", "Inactive")
    browser.shot("pat-deactivated")
    check(http_status(sdk.auth.list_personal_access_tokens) == 401, "deactivated in the page: the SDK gets 401")
    browser.find("button[aria-label='Reactivate ci-bot']").click()
    browser.find("#confirm-ok").click()
    browser.text("#pat-table tbody", "Active")
    check(len(sdk.auth.list_personal_access_tokens()["items"]) == 1, "reactivated in the page: the SDK works again")
    return sdk


def read_only_role(browser, server):
    browser.open(browser.base + "/settings/roles")
    browser.button("New role").click()
    browser.fill("#role-name", "read-only")
    browser.find("input[value='Auth:Users:Read']").click()
    browser.shot("role-form")
    browser.button("Save and sign with your passkey").click()
    browser.text("#role-table tbody", "read-only")
    check(browser.js("return document.getElementById('role-form').hidden"), "a saved role closes its form")
    browser.find("button[aria-label='Edit read-only']").click()
    browser.text("#role-form-title", "Edit read-only")
    check(browser.find("#new-role").get_attribute("aria-expanded") == "true" and browser.find("#role-name").get_attribute("value") == "read-only",
          "Edit opens the role's form filled in (data-toggle marks New role expanded)")
    browser.find("#role-cancel").click()
    check(browser.js("return document.getElementById('role-form').hidden") and browser.find("#new-role").get_attribute("aria-expanded") == "false",
          "Cancel (data-close) closes it")
    browser.find("button[aria-label='Assignments of read-only']").click()
    browser.text("#assign-title", "Assignments of read-only")
    browser.find("#assign-close").click()
    check(browser.js("return document.getElementById('assign-form').hidden"), "the assignments panel opens and closes")
    public, private = keypair("p256")
    create_pat(browser, "reader", public, expiration="7", role="read-only")
    token = browser.find("#pat-token").get_attribute("value")
    credential = browser.find("#pat-credential").get_attribute("value")
    check("read-only" in browser.text("#pat-table tbody", "reader"), "the list shows the PAT's role")
    sdk = DfnsClient(DfnsClientConfig(auth_token=token, base_url=server.base, signer=KeySigner(credential_id=credential, private_key=private)))
    check(len(sdk.auth.list_users()["items"]) >= 1, "the read-only PAT reads users")
    other, _ = keypair()
    check(http_status(lambda: sdk.auth.create_personal_access_token({"name": "nope", "publicKey": other})) == 403,
          "the read-only PAT gets 403 on a change")


def invited_person(first, server, screenshots):
    first.open(first.base + "/settings/users")
    first.fill("#invite-email", "second@example.com")
    first.button("Invite and sign with your passkey").click()
    link = first.find("#invite-link").get_attribute("value")
    check("/setup?" in link and "second%40example.com" in link, "inviting shows the setup link once")
    first.shot("invited")
    second = Browser("second", screenshots)
    second.base = first.base
    try:
        register_with_link(second, link, "second@example.com")
        second.text("#pat-empty", "no personal access tokens")
        check("ci-bot" not in second.find("main").text, "the invited person cannot see the first person's PATs")
        second.shot("second-pats")
        second.button("Sign out").click()
        second.url_contains("/login")
        second.fill("#username", "second@example.com")
        second.button("Sign in with a passkey").click()
        second.url_contains(PAT_PAGE)
        check(second.text("#who", "second@") == "second@example.com", "signed in again by email")
        second.console_clean("second person")
    finally:
        second.quit()


def refused_user_verification(browser, server):
    browser.open(browser.base + PAT_PAGE)
    before = browser.find("#pat-table tbody").text
    browser.user_verified(False)
    public, _ = keypair()
    create_pat(browser, "unverified", public)
    message = browser.text("#pat-form-error", "did not sign")
    check("did not sign" in message, "a passkey without user verification cannot sign: the page says so")
    browser.shot("uv-refused")
    browser.user_verified(True)
    browser.open(browser.base + PAT_PAGE)
    check(browser.find("#pat-table tbody").text == before, "nothing was created")


def service_account(browser, server):
    browser.open(browser.base + "/settings/developers/service-accounts")
    browser.button("New service account").click()
    browser.fill("#sa-name", "deployer")
    public, private = keypair()
    browser.fill("#sa-public-key", public)
    browser.button("Create and sign with your passkey").click()
    token = browser.find("#sa-token").get_attribute("value")
    credential = browser.find("#sa-credential").get_attribute("value")
    check(browser.text("#sa-table tbody", "deployer") and credential.startswith("cr-"), "a service account is created, its token shown once")
    browser.shot("service-account-created")
    sdk = DfnsClient(DfnsClientConfig(auth_token=token, base_url=server.base, signer=KeySigner(credential_id=credential, private_key=private)))
    check([c["credentialId"] for c in sdk.auth.list_credentials()["items"]] == [credential],
          "dfns_sdk works with the service account's token and sees its credential")


def other_pages(browser, server):
    browser.open(browser.base + "/settings/users")
    browser.find("button[aria-label='Personal access tokens of admin@signet.local']").click()
    check("ci-bot" in browser.text("#user-pats-table tbody", "ci-bot"), "an administrator sees a person's PATs on the Users page")
    browser.shot("users")
    browser.open(browser.base + "/settings/credentials")
    credentials = browser.text("#credential-table tbody", "Passkey")
    check("Passkey" in credentials and "cr-" in credentials, "My credentials lists the passkey and the initial key, by their cr-… ids")
    browser.button("Add a passkey and sign with an existing one").click()
    message = browser.nonempty("#passkey-name-error")
    check("already holds a passkey" in message, f"a second passkey on the same device is refused with a reason ({message})")
    browser.shot("credentials")
    browser.open(browser.base + "/settings/audit-log")
    rows = browser.text("#audit-table tbody", "POST /auth/pats")
    check("Passkey" in rows and "PAT" in rows, "the audit log names the token and the credential behind each action")
    user = browser.find("#audit-user")
    user.send_keys("admin@signet.local")
    browser.button("Show").click()
    check("POST /auth/pats" in browser.text("#audit-table tbody", "POST /auth/pats"), "the audit log filters by a person's email")
    user.clear()
    user.send_keys("nobody@signet.local")
    browser.button("Show").click()
    check("nobody@signet.local" in browser.nonempty("#audit-error"), "an email no one has is said so")
    browser.shot("audit-log")


def main():
    signet, work, screenshots = sys.argv[1:4]
    started = time.time()
    server = Server(signet, work)
    first = Browser("first", screenshots)
    first.base = server.base
    try:
        print("flow: setup link → passkey → signed in")
        register_with_link(first, server.setup_link, "admin@signet.local")
        first.shot("pats-empty")
        print("flow: sign out, sign in")
        sign_out_and_in(first, server)
        print("flow: the documented PAT flow, used with dfns_sdk")
        documented_pat_flow(first, server)
        print("flow: a PAT with a read-only role")
        read_only_role(first, server)
        print("flow: an invited person in another browser profile")
        invited_person(first, server, screenshots)
        print("flow: a user group")
        user_group(first, server)
        print("flow: policies and approvals")
        approvals(first, server)
        print("flow: the token inventory")
        token_inventory(first)
        print("flow: webhooks")
        webhooks(first, server)
        print("flow: user verification refused")
        refused_user_verification(first, server)
        print("flow: a service account")
        service_account(first, server)
        print("flow: users, credentials, audit log")
        other_pages(first, server)
        narrow_screen(first)
        print("flow: a recovery key, then account recovery with it (last: it deletes the person's PATs)")
        recovery(first, server)
        first.console_clean("end")
    except Exception as failure:  # a Failure, or Selenium's timeout naming what never appeared
        traceback.print_exc()
        print(f"FAIL {failure!r}")
        first.driver.save_screenshot(screenshots + "/failure.png")
        return 1
    finally:
        first.quit()
        server.stop()
    print(f"browser tests passed in {time.time() - started:.1f} s; screenshots in {screenshots}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
