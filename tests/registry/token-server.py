#!/usr/bin/python3
"""A token service for docker-registry's `auth: token` (the distribution
token spec), for tests only.

GET /token?service=S&scope=repository:NAME:ACTIONS checks HTTP basic
credentials against a "user:password" file. Known users get the actions
they ask for; anonymous callers get a token with no access (the registry
then refuses them); a wrong password gets 401. Tokens are ES256 JWTs whose
header carries the signing certificate (x5c), which the registry verifies
against its rootcertbundle.

GET /_stats returns {"token_requests": N, "with_credentials": M,
"refused": R}, so tests can prove that clients reuse tokens.

Needs the `cryptography` package (Debian: python3-cryptography).
"""
import argparse
import base64
import binascii
import json
import ssl
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature



def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class State:
    def __init__(self, args):
        with open(args.signer_key, "rb") as f:
            self.key = serialization.load_pem_private_key(f.read(), None)
        with open(args.signer_cert, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        self.x5c = [base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()]
        self.users = {}
        with open(args.users) as f:
            for line in f:
                line = line.rstrip("\n")
                if ":" in line:
                    u, p = line.split(":", 1)
                    self.users[u] = p
        self.issuer = args.issuer
        self.lifetime = args.lifetime
        self.lock = threading.Lock()
        self.stats = {"token_requests": 0, "with_credentials": 0, "refused": 0}

    def count(self, key):
        with self.lock:
            self.stats[key] += 1

    def sign(self, service, subject, access):
        now = int(time.time())
        header = {"typ": "JWT", "alg": "ES256", "x5c": self.x5c}
        claims = {
            "iss": self.issuer,
            "sub": subject,
            "aud": service,
            "exp": now + self.lifetime,
            "nbf": now - 10,
            "iat": now,
            "jti": uuid.uuid4().hex,
            "access": access,
        }
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode()))
        der = self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
        return signing_input + "." + b64url(sig)


def parse_scopes(values):
    access = []
    for value in values:
        for scope in value.split(" "):
            parts = scope.split(":")
            if len(parts) < 3 or parts[0] != "repository":
                continue
            name = ":".join(parts[1:-1])
            actions = [a for a in parts[-1].split(",") if a in ("pull", "push")]
            access.append({"type": "repository", "name": name, "actions": actions})
    return access


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, code, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        st = self.server.state
        url = urlparse(self.path)
        if url.path == "/_stats":
            with st.lock:
                self.send_json(200, dict(st.stats))
            return
        if url.path != "/token":
            self.send_json(404, {"errors": [{"code": "NOT_FOUND", "message": "no such path"}]})
            return
        st.count("token_requests")
        q = parse_qs(url.query)
        service = q.get("service", [""])[0]
        subject = ""
        auth = self.headers.get("Authorization", "")
        if auth:
            st.count("with_credentials")
            user = None
            if auth.startswith("Basic "):
                try:
                    u, p = base64.b64decode(auth[6:], validate=True).decode().split(":", 1)
                    if st.users.get(u) == p:
                        user = u
                except (binascii.Error, UnicodeDecodeError, ValueError):
                    pass
            if user is None:
                st.count("refused")
                self.send_json(401, {"errors": [{"code": "UNAUTHORIZED",
                                                 "message": "invalid username or password"}]},
                               {"WWW-Authenticate": 'Basic realm="libbpfman-test-token"'})
                return
            subject = user
            access = parse_scopes(q.get("scope", []))
        else:
            access = []  # anonymous: a valid token that grants nothing
        token = st.sign(service, subject, access)
        self.send_json(200, {"token": token, "access_token": token, "expires_in": st.lifetime,
                             "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--signer-key", required=True)
    ap.add_argument("--signer-cert", required=True)
    ap.add_argument("--users", required=True)
    ap.add_argument("--issuer", required=True)
    ap.add_argument("--lifetime", type=int, default=300, help="expires_in of tokens, seconds")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.state = State(args)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
