"""Settings pages beyond the PAT flow, in the browser: user groups (create a group, add the invited
person by id, see them listed, remove them, delete the group; each change signed with the passkey),
and the PAT page on a narrow screen."""
import os
import re

from harness import check


def user_group(browser, server):
    browser.open(browser.base + "/settings/users")
    browser.text("#user-table tbody", "second@example.com")
    row = browser.js("return [...document.querySelectorAll('#user-table tbody tr')]"
                     ".find((tr) => tr.textContent.includes('second@example.com')).textContent")
    user_id = re.search(r"us-[0-9a-z]{5}-[0-9a-z]{5}-[0-9a-z]{16}", row).group(0)

    browser.open(browser.base + "/settings/user-groups")
    browser.button("New group").click()
    browser.fill("#group-name", "Treasury")
    browser.fill("#group-description", "pays invoices")
    browser.shot("group-form")
    browser.button("Save and sign with your passkey").click()
    browser.text("#group-table tbody", "Treasury")
    check(browser.js("return document.getElementById('group-form').hidden"), "a saved group closes its form")

    browser.find("button[aria-label='Members of Treasury']").click()
    browser.text("#members-title", "Members of Treasury")
    browser.fill("#member-id", "not-an-id")
    browser.button("Add and sign with your passkey").click()
    browser.text("#member-id-error", "us-")
    browser.fill("#member-id", user_id)
    browser.button("Add and sign with your passkey").click()
    browser.text("#member-list", "second@example.com")
    count = "return document.querySelector('#group-table tbody tr td:nth-of-type(3)').textContent"
    check(browser.js(count) == "1", "the table counts the new member")
    browser.shot("group-members")

    browser.find("button[aria-label='Remove second@example.com from Treasury']").click()
    browser.find("#confirm-ok").click()
    browser.find("#members-empty")
    check(browser.js(count) == "0", "removing the member updates the count")

    browser.find("button[aria-label='Delete Treasury']").click()
    browser.find("#confirm-ok").click()
    browser.find("#groups-empty")
    check(browser.js("return document.getElementById('members-form').hidden"), "deleting the group closes its members panel")


def narrow_screen(browser):
    browser.driver.set_window_size(390, 844)
    browser.open(browser.base + "/settings/developers/personal-access-tokens")
    browser.find("#pat-table tbody tr")
    overflow = browser.js("return document.documentElement.scrollWidth - window.innerWidth")
    check(overflow <= 0, "on a narrow (mobile) screen the page does not scroll sideways")
    browser.driver.save_screenshot(browser.screenshots + "/99-first-pats-mobile.png")
    browser.driver.set_window_size(1280, 900)


def recovery(browser, server):
    """Make a recovery key on My credentials, then recover on /recover with it and a new passkey."""
    import hashlib
    import sqlite3
    import time as clock

    browser.open(browser.base + "/settings/credentials")
    browser.button("Make a recovery key and sign with your passkey").click()
    pem = browser.text("#recovery-result", "Save this file now") and browser.find("#recovery-pem").get_attribute("value")
    key_id = browser.find("#recovery-id").text
    check(pem.startswith("-----BEGIN PRIVATE KEY-----") and key_id.startswith("cr-"), "the page shows the new recovery key once, with its id")
    browser.text("#credential-table tbody", "Recovery key")
    browser.shot("recovery-key")
    key_file = os.path.join(server.work, "recovery-key.pem")
    with open(key_file, "w") as out:
        out.write(pem)

    browser.open(browser.base + "/login")
    browser.find("a[href='/recover']").click()
    browser.fill("#recover-username", "admin@signet.local")
    browser.button("Send me a recovery code").click()
    browser.text("#status", "recovery code")
    # No webhook in this test: put a code in the store as the server would have.
    with sqlite3.connect(os.path.join(server.work, "signet.sqlite")) as database:
        user = database.execute("SELECT id FROM users WHERE username = 'admin@signet.local'").fetchone()[0]
        database.execute("INSERT INTO recovery_codes (user_id, digest, expires_at) VALUES (?, ?, ?)",
                         (user, hashlib.sha256(b"browser-recovery").hexdigest(), int((clock.time() + 600) * 1000)))
    browser.fill("#recover-code", "browser-recovery")
    browser.fill("#recover-key-id", key_id)
    browser.find("#recover-key").send_keys(key_file)
    browser.fill("#recover-name", "Recovered passkey")
    browser.shot("recover")
    browser.button("Recover and register a new passkey").click()
    browser.url_contains("/settings/credentials")
    table = browser.text("#credential-table tbody", "Recovered passkey")
    check("Active" in table and table.count("Inactive") >= 2, "after the recovery only the new passkey is active")


def webhooks(browser, server):
    """Register a webhook (its secret shown once), ping it and check the signature the receiver got,
    disable it, rotate its secret, delete it; each change signed with the passkey."""
    import hashlib
    import hmac
    import json
    import queue
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.put((self.rfile.read(int(self.headers.get("Content-Length", "0"))), self.headers.get("X-DFNS-WEBHOOK-SIGNATURE")))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    receiver = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{receiver.server_address[1]}/hook"
    try:
        browser.open(browser.base + "/settings/webhooks")
        browser.find("#webhooks-empty")
        browser.button("New webhook").click()
        browser.fill("#webhook-url", "http://example.com/not-loopback")
        browser.button("Create and sign with your passkey").click()
        browser.text("#webhook-url-error", "https://")
        browser.fill("#webhook-url", url)
        browser.fill("#webhook-events", "token.created, user.invited")
        browser.button("Create and sign with your passkey").click()
        browser.text("#webhook-secret", "shown once")
        secret = browser.find("#webhook-secret-value").get_attribute("value")
        check(secret.startswith("whsec-"), "the new webhook's secret is shown once")
        browser.shot("webhook-secret")
        browser.button("Done").click()
        check(browser.js("return document.getElementById('webhook-secret-value').value") == "", "Done clears the secret from the page")
        browser.text("#webhook-table tbody", url)

        browser.find(f"button[aria-label='Ping {url}']").click()
        browser.text("#status", "answered 200")
        body, signature = received.get(timeout=30)
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        check(json.loads(body)["kind"] == "webhook.ping" and hmac.compare_digest(expected, signature or ""),
              "the ping reached the receiver, signed with the secret the page showed")

        browser.find(f"button[aria-label='Disable {url}']").click()
        browser.text("#webhook-table tbody", "Disabled")
        browser.find(f"button[aria-label='Rotate the secret of {url}']").click()
        browser.find("#confirm-ok").click()
        browser.text("#webhook-overlap", "X-Signet-Webhook-Previous-Signature")
        rotated = browser.find("#webhook-secret-value").get_attribute("value")
        check(rotated.startswith("whsec-") and rotated != secret, "rotating shows a new secret, once")
        browser.button("Done").click()
        browser.find(f"button[aria-label='Deliveries to {url}']").click()
        browser.find("#webhook-events-empty")
        browser.find(f"button[aria-label='Delete {url}']").click()
        browser.find("#confirm-ok").click()
        browser.find("#webhooks-empty")
    finally:
        receiver.shutdown()


def token_inventory(browser):
    """The administrator's inventory lists the PATs made so far; filters narrow it."""
    from selenium.webdriver.support.ui import Select

    browser.open(browser.base + "/settings/token-inventory")
    browser.find("#inventory-table tbody tr")
    rows = browser.js("return document.querySelectorAll('#inventory-table tbody tr').length")
    check(rows >= 1, f"the inventory lists the organisation's tokens ({rows})")
    Select(browser.find("#inventory-state")).select_by_value("expired")
    browser.button("Show").click()
    browser.find("#inventory-empty")
    Select(browser.find("#inventory-state")).select_by_value("active")
    browser.fill("#inventory-expiring", "3650")
    browser.button("Show").click()
    browser.find("#inventory-table tbody tr")
    check(browser.js("return document.getElementById('inventory-empty').hidden"), "active tokens expiring within ten years are listed")
    users = browser.js("return [...document.querySelectorAll('#inventory-table tbody [data-field=user]')].map((c) => c.textContent)")
    check(all("@" in user for user in users), f"the inventory names people, not ids ({users})")
    # A PAT the end-to-end flows used shows its last client; opening it shows address and user agent.
    opened = browser.js(
        "const d = document.querySelector('#inventory-table details.clients');"
        " if (!d) return null; d.open = true; return d.querySelector('li').textContent"
    )
    check(opened is not None and "127.0.0.1" in opened, f"a used token shows its last clients ({opened})")
    browser.shot("token-inventory")
