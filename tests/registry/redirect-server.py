#!/usr/bin/python3
"""A registry front that redirects, for tests only (plain HTTP).

On 127.0.0.1:PORT (the "registry"):
  /v2/...             401 with a Basic challenge unless Authorization is
                      present; then, for paths containing "/same/", a 307
                      to the same path with "/same/" replaced by "/landed/"
                      on this origin, otherwise a 307 to the same path on
                      OTHER_HOST:OTHER_PORT (another origin).
  /v2/.../landed/...  serves the blob below when Authorization is present.
  /_log               the requests both listeners saw, as JSON:
                      [{"listener": "origin"|"other", "path", "authorization": bool}]
On OTHER_HOST:OTHER_PORT (another origin, like blob storage):
  any GET/HEAD        200 with BLOB (no authorization needed).

BLOB is b"redirected content\\n"; its sha256 is the test's to compute.
"""
import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BLOB = b"redirected content\n"
LOG = []
LOCK = threading.Lock()


def make_handler(listener, other):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def reply(self, code, body=b"", headers=None, head=False):
            self.send_response(code)
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)

        def handle_any(self, head):
            auth = self.headers.get("Authorization") is not None
            if self.path == "/_log":
                with LOCK:
                    body = json.dumps(LOG).encode()
                self.reply(200, body, {"Content-Type": "application/json"}, head)
                return
            with LOCK:
                LOG.append({"listener": listener, "path": self.path, "authorization": auth})
            if listener == "other" or "/landed/" in self.path:
                if listener == "origin" and not auth:
                    self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"landed without credentials"}]}',
                               {"WWW-Authenticate": 'Basic realm="redirect-test"',
                                "Content-Type": "application/json"}, head)
                    return
                self.reply(200, BLOB, {"Content-Type": "application/octet-stream"}, head)
                return
            if not auth:
                self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}',
                           {"WWW-Authenticate": 'Basic realm="redirect-test"',
                            "Content-Type": "application/json"}, head)
                return
            if "/same/" in self.path:
                location = self.path.replace("/same/", "/landed/")
            else:
                location = "http://%s%s" % (other, self.path)
            self.reply(307, b"", {"Location": location}, head)

        def do_GET(self):
            self.handle_any(False)

        def do_HEAD(self):
            self.handle_any(True)

    return Handler


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--other-host", required=True)
    ap.add_argument("--other-port", type=int, required=True)
    args = ap.parse_args()
    other = "%s:%d" % (args.other_host, args.other_port)
    origin = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler("origin", other))
    second = ThreadingHTTPServer((args.other_host, args.other_port), make_handler("other", other))
    threading.Thread(target=second.serve_forever, daemon=True).start()
    origin.serve_forever()


if __name__ == "__main__":
    main()
