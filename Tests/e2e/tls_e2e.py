"""HTTPS served by Signet itself (`--tls-cert`, `--tls-key`) with a throwaway certificate: the
Python SDK, trusting that certificate, logs in and signs a change over it; plain HTTP is not
served on the port, and answers carry Strict-Transport-Security."""

import os
import socket
import ssl
import subprocess
import time
import urllib.request

from dfns_sdk import DfnsClient, DfnsClientConfig
from dfns_sdk.auth import KeySigner


def run(check, signet, work, database, org, admin_private):
    certificate, key = os.path.join(work, "tls.crt"), os.path.join(work, "tls.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"https://127.0.0.1:{port}"
    server = subprocess.Popen([signet, "serve", "--database", database, "--port", str(port), "--tls-cert", certificate, "--tls-key", key],
                              stdout=open(os.path.join(work, "serve-tls.log"), "w"), stderr=subprocess.STDOUT)
    trusted = ssl.create_default_context(cafile=certificate)
    try:
        answer = None
        for _ in range(300):
            try:
                answer = urllib.request.urlopen(base + "/healthz", timeout=2, context=trusted)
                break
            except OSError:
                time.sleep(0.1)
        check(answer is not None and answer.status == 200, "signet serve --tls-cert answers HTTPS with the certificate")
        check(answer is not None and answer.headers.get("Strict-Transport-Security") == "max-age=31536000",
              "HTTPS answers carry Strict-Transport-Security")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            plain = True
        except Exception:
            plain = False
        check(not plain, "plain HTTP is not served on the TLS port")
        os.environ["SSL_CERT_FILE"] = certificate  # httpx (under dfns_sdk) trusts it from here
        anonymous = DfnsClient(DfnsClientConfig(auth_token="login", base_url=base))
        signer = KeySigner(credential_id=org["credentialId"], private_key=admin_private)
        challenge = anonymous.auth.create_login_challenge({"username": org["username"], "orgId": org["orgId"]})
        token = anonymous.auth.login({"challengeIdentifier": challenge["challengeIdentifier"], "firstFactor": signer.sign(challenge)})["token"]
        admin = DfnsClient(DfnsClientConfig(auth_token=token, base_url=base, signer=signer))
        group = admin.auth.create_user_group({"name": "over TLS"})
        check(group["name"] == "over TLS", "dfns_sdk logs in and signs a change over HTTPS")
        admin.auth.delete_user_group(group["id"])
    finally:
        os.environ.pop("SSL_CERT_FILE", None)
        server.terminate()
        server.wait(timeout=30)
