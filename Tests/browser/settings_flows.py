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
