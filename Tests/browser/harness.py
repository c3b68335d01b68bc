"""What the dashboard's browser tests stand on: a `signet serve --dev` process, and a headless
Chromium with a Chrome DevTools WebAuthn virtual authenticator (the recipe in scripts/browser-tests.sh).
Every page a test visits is screenshotted; any JavaScript console error fails the test."""
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)
    print(f"  ok  {what}")


class Server:
    """`signet serve --dev` on a free port, with its own store; `setup_link` is the one it printed."""

    def __init__(self, signet, work):
        self.work = work
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.base = f"http://localhost:{self.port}"
        self.log = open(os.path.join(work, "server.log"), "w")
        self.process = subprocess.Popen(
            [signet, "serve", "--dev", "--database", os.path.join(work, "signet.sqlite"), "--port", str(self.port),
             "--log-level", "warning"], stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.setup_link = None
        deadline = time.time() + 60
        while self.setup_link is None and time.time() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise Failure("signet serve --dev exited before printing a setup link")
            found = re.search(r"(http://localhost:\d+/setup\?\S+)", line)
            self.setup_link = found.group(1) if found else None
        check(self.setup_link is not None, f"signet serve --dev printed a setup link ({self.base}/setup?…)")
        self.settings = json.load(open(os.path.join(work, "admin.json")))
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise Failure("the server did not answer /healthz")

    def status(self, method, path, token):
        """The status of an API call with `token` (used to prove a signed-out session is dead)."""
        request = urllib.request.Request(f"{self.base}{path}", method=method, headers={"Authorization": f"Bearer {token}"})
        try:
            return urllib.request.urlopen(request, timeout=5).status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Browser:
    """A fresh Chromium profile with its own virtual authenticator (ctap2, internal, resident keys, UV)."""

    count = 0

    def __init__(self, name, screenshots):
        self.name, self.screenshots = name, screenshots
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium")
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(executable_path=shutil.which("chromedriver")))
        # Before the first page loads, or the page sees no platform authenticator.
        self.driver.execute_cdp_cmd("WebAuthn.enable", {"enableUI": False})
        self.authenticator = self.driver.execute_cdp_cmd("WebAuthn.addVirtualAuthenticator", {"options": {
            "protocol": "ctap2", "ctap2Version": "ctap2_1", "transport": "internal", "hasResidentKey": True,
            "hasUserVerification": True, "isUserVerified": True, "automaticPresenceSimulation": True}})["authenticatorId"]
        self.allowed_errors = []

    def user_verified(self, verified):
        self.driver.execute_cdp_cmd("WebAuthn.setUserVerified", {"authenticatorId": self.authenticator, "isUserVerified": verified})

    def passkeys(self):
        return self.driver.execute_cdp_cmd("WebAuthn.getCredentials", {"authenticatorId": self.authenticator})["credentials"]

    def open(self, url):
        self.driver.get(url)
        self.wait_ready()

    def wait_ready(self):
        WebDriverWait(self.driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def find(self, css):
        return WebDriverWait(self.driver, 15).until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def button(self, label):
        """The visible button whose text is exactly `label` (how a person finds it)."""
        xpath = f"//button[normalize-space(.)='{label}']"
        return WebDriverWait(self.driver, 15).until(EC.element_to_be_clickable((By.XPATH, xpath)))

    def text(self, css, contains, timeout=15):
        WebDriverWait(self.driver, timeout).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), contains))
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def nonempty(self, css, timeout=15):
        """The element's text, once it has some."""
        WebDriverWait(self.driver, timeout).until(lambda d: d.find_element(By.CSS_SELECTOR, css).text.strip() != "")
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def url_contains(self, part, timeout=15):
        WebDriverWait(self.driver, timeout).until(EC.url_contains(part))
        self.wait_ready()

    def fill(self, css, value):
        field = self.find(css)
        field.clear()
        field.send_keys(value)

    def js(self, script, *arguments):
        return self.driver.execute_script(script, *arguments)

    def shot(self, label):
        """Checks the page (labels, same-origin requests, no console error) and saves a screenshot."""
        Browser.count += 1
        unlabelled = self.js("""return [...document.querySelectorAll('input:not([type=hidden]),select,textarea')]
            .filter(e => e.offsetParent !== null && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id || e.name)""")
        check(unlabelled == [], f"{label}: every visible control has a label")
        origin = self.js("return location.origin")
        foreign = self.js("return performance.getEntriesByType('resource').map(e => e.name)")
        check(all(url.startswith(origin) for url in foreign), f"{label}: the page requested nothing from another origin")
        self.console_clean(label)
        path = os.path.join(self.screenshots, f"{Browser.count:02d}-{self.name}-{label}.png")
        height = self.js("return Math.max(document.body.scrollHeight, 600)")
        width = self.js("return window.outerWidth")
        self.driver.set_window_size(width, min(height + 150, 4000))
        self.driver.save_screenshot(path)
        self.driver.set_window_size(width, 900)
        print(f"  --  screenshot {os.path.basename(path)}")

    def console_clean(self, label):
        errors = [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]
        unexpected = [m for m in errors if not any(re.search(pattern, m) for pattern in self.allowed_errors)]
        check(unexpected == [], f"{label}: no JavaScript console error {unexpected if unexpected else ''}")

    def quit(self):
        self.driver.quit()
