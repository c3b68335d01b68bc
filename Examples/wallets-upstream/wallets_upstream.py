"""EXAMPLE ONLY: a small wallets service to put behind `signet serve --gateway`.

It answers GET /wallets, POST /wallets and GET /wallets/{walletId} in the Dfns shapes (and
PUT /wallets/{walletId}/notes, to show a streamed body), from memory,
for the user Signet says the request acts for. It trusts nothing from the client: every request
must carry `X-Signet-Identity`, an EdDSA JWT that Signet signed for the audience "wallets", checked
against Signet's public keys (GET /.well-known/jwks.json) with the `cryptography` package. A
wallet belongs to the user who created it; another user's wallet is a 404.

GET /_stats (not routed through the gateway) tells the tests how many requests arrived and the
headers of the last one.

usage: python3 wallets_upstream.py --port 9000 --signet http://127.0.0.1:8080 [--audience wallets]
"""
import argparse
import base64
import json
import secrets
import string
import threading
import time
import urllib.request
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Identity:
    """Verifies X-Signet-Identity: signature (a key from Signet's JWKS), issuer, audience, expiry, and
    that it was issued for this very request (htm = the method, htu = the request target received,
    byte for byte): a token taken from one request is no credential for another."""

    def __init__(self, signet, audience):
        self.jwks_url, self.audience, self.keys, self.lock = f"{signet}/.well-known/jwks.json", audience, {}, threading.Lock()

    def refresh(self):
        with urllib.request.urlopen(self.jwks_url, timeout=5) as answer:
            keys = json.load(answer)["keys"]
        with self.lock:
            self.keys = {k["kid"]: Ed25519PublicKey.from_public_bytes(b64url(k["x"])) for k in keys if k.get("crv") == "Ed25519"}

    def verify(self, token, method, target):
        try:
            header_part, payload_part, signature_part = token.split(".")
            header = json.loads(b64url(header_part))
            if header.get("alg") != "EdDSA":
                return None
            if header.get("kid") not in self.keys:
                self.refresh()  # a rotated key: learn it once
            key = self.keys.get(header.get("kid"))
            key.verify(b64url(signature_part), f"{header_part}.{payload_part}".encode())
            claims = json.loads(b64url(payload_part))
        except (ValueError, KeyError, AttributeError, InvalidSignature, OSError):
            return None
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.audience not in audiences or claims.get("exp", 0) < time.time() or claims.get("iss") != "signet":
            return None
        if claims.get("htm") != method or claims.get("htu") != target:
            return None
        return claims


# The operation the gateway's route must have checked, per method (gateway.yaml's routes).
OPERATIONS = {"GET": {"Wallets:Read"}, "POST": {"Wallets:Create"}, "PUT": {"Wallets:Update"}}


def wallet_id():
    alphabet = string.ascii_lowercase + string.digits
    part = lambda n: "".join(secrets.choice(alphabet) for _ in range(n))
    return f"wa-{part(5)}-{part(5)}-{part(16)}"


class Wallets(BaseHTTPRequestHandler):
    identity = None
    wallets = {}  # id -> (owner user id, wallet)
    stats = {"requests": 0, "lastHeaders": {}}
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the caller went away (the gateway cuts a body that grows past maxBodyBytes)

    def caller(self):
        with self.lock:
            self.stats["requests"] += 1
            self.stats["lastHeaders"] = {k: v for k, v in self.headers.items()}
        claims = self.identity.verify(self.headers.get("X-Signet-Identity", ""), self.command, self.path)
        if claims is None:
            self.answer(401, {"error": {"status": 401, "message": "no valid X-Signet-Identity: only Signet may call this service"}})
        elif claims.get("operation") not in OPERATIONS.get(self.command, ()):
            # Defence in depth: the gateway checked the operation; this service checks it was the one it expects.
            self.answer(403, {"error": {"status": 403, "message": f"operation {claims.get('operation')} does not allow {self.command}"}})
            return None
        return claims

    def do_GET(self):
        if self.path == "/_stats":
            with self.lock:
                return self.answer(200, self.stats)
        claims = self.caller()
        if claims is None:
            return
        if self.path.split("?")[0] == "/wallets":
            with self.lock:
                mine = [w for owner, w in self.wallets.values() if owner == claims["sub"]]
            return self.answer(200, {"items": mine})
        if self.path.startswith("/wallets/"):
            with self.lock:
                owner, wallet = self.wallets.get(self.path[len("/wallets/"):], (None, None))
            if owner != claims["sub"]:
                return self.answer(404, {"error": {"status": 404, "message": "wallet not found"}})
            return self.answer(200, wallet)
        self.answer(404, {"error": {"status": 404, "message": "not found"}})

    def body(self):
        """The request body, chunked (as the gateway streams bodies of unknown length) or not; None
        when the stream ends early (the gateway cuts a body that grows past maxBodyBytes)."""
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))
        data = b""
        while True:
            line = self.rfile.readline().split(b";")[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                return None
            if size == 0:
                self.rfile.readline()
                return data
            data += self.rfile.read(size)
            self.rfile.readline()

    def do_PUT(self):
        """PUT /wallets/{walletId}/notes: a note on one of your wallets (any text)."""
        claims = self.caller()
        if claims is None:
            return
        parts = self.path.split("/")
        note = self.body()
        if note is None:
            return self.answer(400, {"error": {"status": 400, "message": "the body ended early"}})
        with self.lock:
            owner, wallet = self.wallets.get(parts[2] if len(parts) == 4 and parts[3] == "notes" else "", (None, None))
            if owner == claims["sub"]:
                wallet["note"] = note.decode(errors="replace")
        if owner != claims["sub"]:
            return self.answer(404, {"error": {"status": 404, "message": "wallet not found"}})
        self.answer(200, {"bytes": len(note)})

    def do_POST(self):
        claims = self.caller()
        if claims is None:
            return
        if self.path != "/wallets":
            return self.answer(404, {"error": {"status": 404, "message": "not found"}})
        if not claims.get("user_action_id"):  # a change must have been signed by the caller
            return self.answer(403, {"error": {"status": 403, "message": "creating a wallet needs a signed user action"}})
        try:
            body = json.loads(self.body() or b"{}")
            network = body["network"]
        except (ValueError, KeyError):
            return self.answer(400, {"error": {"status": 400, "message": "network is required"}})
        wallet = {
            "id": wallet_id(), "network": network, "address": "0x" + secrets.token_hex(20),
            "signingKey": {"id": "key-" + secrets.token_hex(8), "scheme": "ECDSA", "curve": "secp256k1", "publicKey": secrets.token_hex(33)},
            "status": "Active", "dateCreated": datetime.now(timezone.utc).isoformat(), "custodial": True, "tags": [],
        }
        if body.get("name"):
            wallet["name"] = body["name"]
        with self.lock:
            self.wallets[wallet["id"]] = (claims["sub"], wallet)
        self.answer(200, wallet)


def main():
    parser = argparse.ArgumentParser(description="Example wallets service behind the Signet gateway")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--signet", default="http://127.0.0.1:8080")
    parser.add_argument("--audience", default="wallets")
    options = parser.parse_args()
    Wallets.identity = Identity(options.signet, options.audience)
    server = ThreadingHTTPServer(("127.0.0.1", options.port), Wallets)
    print(f"wallets example listening on 127.0.0.1:{options.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
