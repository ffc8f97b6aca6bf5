#!/usr/bin/python3
# LAB STAND-IN for the WAPT server (WAPT itself is not installable here): answers GET/HEAD /ping
# with the 1.8 JSON shape and POST /api/v3/login against the passlib hash read from the ini at start.
import configparser
import json
import platform
import sys
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from passlib.hash import bcrypt, pbkdf2_sha256, sha512_crypt

CONFIG = sys.argv[1] if len(sys.argv) > 1 else "/opt/wapt/conf/waptserver.ini"
VERSION = "1.8.2.7373-lab-stand-in"

ini = configparser.ConfigParser(interpolation=None)
ini.read(CONFIG)
options = ini["options"] if ini.has_section("options") else {}
SERVER_UUID = options.get("server_uuid", "")
WAPT_USER = options.get("wapt_user", "admin")
WAPT_PASSWORD_HASH = options.get("wapt_password", "")
PORT = int(options.get("waptserver_port", "8080"))


def password_ok(password):
    """True when the password matches the ini hash (pbkdf2_sha256, sha512_crypt or bcrypt, as 1.8 accepts)."""
    if not WAPT_PASSWORD_HASH:
        return False
    for scheme in (pbkdf2_sha256, sha512_crypt, bcrypt):
        if scheme.identify(WAPT_PASSWORD_HASH):
            return scheme.verify(password, WAPT_PASSWORD_HASH)
    return False


class Handler(BaseHTTPRequestHandler):
    server_version = "waptserver-lab-stand-in"

    def reply(self, status, body, started):
        body["request_time"] = round(time.time() - started, 6)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def ping(self, started):
        result = {
            "version": VERSION,
            "api_root": "/api/",
            "api_version": "v3",
            "uuid": SERVER_UUID,
            "date": datetime.now(timezone.utc).isoformat(),
            "edition": "community",
            "platform": platform.system(),
            "lab_stand_in": True,
        }
        self.reply(200, {"success": True, "msg": "WAPT Server running", "result": result}, started)

    def do_GET(self):
        started = time.time()
        if self.path.split("?")[0] == "/ping":
            return self.ping(started)
        self.reply(404, {"success": False, "msg": "not found in the lab stand-in"}, started)

    do_HEAD = do_GET

    def do_POST(self):
        started = time.time()
        if self.path.split("?")[0] != "/api/v3/login":
            return self.reply(404, {"success": False, "msg": "not found in the lab stand-in"}, started)
        try:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return self.reply(400, {"success": False, "msg": "bad JSON"}, started)
        if body.get("user") == WAPT_USER and password_ok(str(body.get("password", ""))):
            return self.reply(200, {"success": True, "msg": "Authenticated", "result": {"user": WAPT_USER}}, started)
        self.reply(401, {"success": False, "msg": "Bad user or password"}, started)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


if __name__ == "__main__":
    print("waptserver lab stand-in listening on 127.0.0.1:%d" % PORT, flush=True)
    ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
