"""Settings pages beyond the PAT flow, in the browser: user groups (create a group, add the invited
person by id, see them listed, remove them, delete the group; each change signed with the passkey),
and the PAT page on a narrow screen."""
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
