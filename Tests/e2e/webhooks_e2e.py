"""The webhooks part of the end-to-end test, through dfns_sdk's generated webhooks client (all 8
methods): deliveries checked as Dfns' documentation checks them, from the bytes received."""

import hashlib
import hmac
import json
import queue
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519


class SignedReceiver:
    """A loopback HTTP server that keeps each delivery's exact body and signature header."""

    def __init__(self):
        received = self.deliveries = queue.Queue()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                received.put((body, self.headers.get("X-DFNS-WEBHOOK-SIGNATURE")))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/dfns"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, kind, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                body, signature = self.deliveries.get(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                break
            if json.loads(body).get("kind") == kind:
                return body, signature
        raise AssertionError(f"no {kind} delivery within {timeout} s")


def dfns_verify(secret, body, signature):
    """Dfns' documented check: HMAC-SHA256 of JSON.stringify(the parsed payload), compared in
    constant time, and timestampSent within 5 minutes. json.dumps with these options is what
    JSON.stringify writes for the payload's strings, integers and objects."""
    payload = json.loads(body)
    message = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    trusted = ("sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()).encode()
    fresh = abs(time.time() - payload["timestampSent"]) < 5 * 60
    return hmac.compare_digest(trusted, (signature or "").encode()) and fresh


def run(check, expect_error, admin):
    receiver = SignedReceiver()
    created = admin.webhooks.create_webhook({"url": receiver.url, "events": ["*"], "description": "e2e"})
    secret = created.get("secret", "")
    check(created["id"].startswith("wh-") and secret.startswith("whsec-") and created["status"] == "Enabled",
          "create_webhook answers the webhook and its secret")
    check("secret" not in admin.webhooks.get_webhook(created["id"]), "get_webhook never shows the secret")
    check(any(w["id"] == created["id"] for w in admin.webhooks.list_webhooks()["items"]), "list_webhooks lists it")
    updated = admin.webhooks.update_webhook(created["id"], {"events": ["token.created", "user.invited"]})
    check(updated["events"] == ["token.created", "user.invited"] and updated["description"] == "e2e",
          "update_webhook changes the events and keeps the description")

    ping = admin.webhooks.ping_webhook(created["id"])
    check(ping == {"status": "200"} or ping.get("status") == "200", f"ping_webhook reports the endpoint's 200: {ping}")
    body, signature = receiver.wait_for("webhook.ping")
    check(dfns_verify(secret, body, signature), "the ping passes Dfns' documented signature check")

    key = ed25519.Ed25519PrivateKey.generate().public_key()
    public = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    # A name beyond ASCII: the body must still be what JSON.stringify(JSON.parse(body)) gives back.
    pat = admin.auth.create_personal_access_token({"name": "webhook é2e ✓ 鍵", "publicKey": public})
    body, signature = receiver.wait_for("token.created")
    check(dfns_verify(secret, body, signature), "token.created passes Dfns' documented signature check")
    raw = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    check(hmac.compare_digest(raw, signature), "the signature is also the HMAC of the exact bytes received")
    check(not dfns_verify("whsec-wrong", body, signature), "another secret does not verify")
    event = json.loads(body)
    check(event["data"]["token"]["id"] == pat["tokenId"] and event["deliveryAttempt"] == 1, "the event names the new PAT")
    check(event["data"]["token"]["name"] == "webhook é2e ✓ 鍵" and "鍵".encode() in body, "the name travels as UTF-8, unescaped")

    deadline = time.time() + 30  # the attempt is settled just after the endpoint answered
    while True:
        listed = admin.webhooks.list_webhook_events(created["id"], {"kind": "token.created", "deliveryFailed": "false"})
        if listed["items"] and listed["items"][0]["status"] != "pending" or time.time() > deadline:
            break
        time.sleep(0.1)
    check([e["id"] for e in listed["items"]] == [event["id"]], "list_webhook_events filters by kind and delivery")
    one = admin.webhooks.get_webhook_event(created["id"], event["id"])
    check(one["status"] == "200" and one["deliveryFailed"] is False and one["data"] == event["data"],
          "get_webhook_event shows the delivered attempt")
    expect_error(400, "an unknown event kind", lambda: admin.webhooks.create_webhook({"url": receiver.url, "events": ["nope"]}))
    check(admin.webhooks.delete_webhook(created["id"]) == {"deleted": True}, "delete_webhook answers deleted: true")
    expect_error(404, "a deleted webhook", lambda: admin.webhooks.get_webhook(created["id"]))
    admin.auth.delete_personal_access_token(pat["tokenId"])
