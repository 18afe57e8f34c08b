#!/usr/bin/env python3
"""A small HTTP server that misbehaves on request, for the vo-tools tests.

    faultserver.py [--port N | --port-file FILE] [--dir DIR] [--log FILE]
                   [--lifetime SECS]

Binds 127.0.0.1 (port 0 = any free port, written to --port-file once the
server listens).  Exits by itself after --lifetime seconds (default 300).
Every request is logged to --log as one JSON line:
    {"method": ..., "path": ..., "query": ..., "headers": {...}, "body": ...}

Endpoints (GET and POST; query parameters as shown).  Where an endpoint
serves file=NAME, body=TEXT serves TEXT instead, and ctype=TYPE sets the
Content-Type, and delay=S waits S seconds before answering; a path after the endpoint's name (/dispo/x.fits) is ignored,
so URLs can end in any file name.
  /files/NAME                  the file DIR/NAME (Range: bytes=N- honoured)
  /redirect?to=URL&code=302    a redirect (URL may be relative; without
                               "to", to itself: a loop)
  /flaky?key=K&fail=2&status=503[&retry_after=1|&retry_date=1][&file=NAME]
                               fail the first N requests of each key, then
                               serve NAME (or "ok\\n"); retry_date sends
                               Retry-After as an HTTP-date that many
                               seconds ahead
  /stall?seconds=S[&after_bytes=N][&file=NAME]
                               without after_bytes: sleep before the headers;
                               with it: send headers and N bytes, then sleep,
                               then the rest
  /truncate?bytes=N[&file=NAME]
                               declare the full Content-Length, send N bytes,
                               close
  /gzip?file=NAME              the file, Content-Encoding: gzip
  /auth?token=T[&user=U][&scheme=bearer|basic][&file=NAME]
                               200 if "Authorization: Bearer T" (or Basic
                               U:T) arrived, else 401 with WWW-Authenticate
  /status?code=N[&file=NAME]   that status, a short text body (or NAME)
  /echo                        the request (method, headers, body) as JSON
  /dispo?name=N[&star=1][&file=NAME]
                               with Content-Disposition: attachment;
                               filename="N" (or filename*=UTF-8''N)
  /breakfirst?key=K[&bytes=N][&file=NAME]
                               the first GET of each key is cut after N
                               bytes; later ones honour Range: bytes=N-
  /uws/MODE/NAME[/SUB]         canned UWS job NAME.xml (result NAME.result);
                               MODE ok, flakyN, stallS, resetN, truncate, breakonce
                               (the first result download breaks, then
                               Range is honoured), breaknorange (then the
                               whole result again)
  /uws/MODE/NAME[/SUB]         a canned UWS job: the document DIR/NAME.xml;
                               SUB phase or error: the phase or the error
                               message in it; SUB results/ID: DIR/NAME.result;
                               POST and DELETE: 303 to the job.  MODE: ok;
                               flakyN (the first N requests for NAME get 503,
                               Retry-After: 1); stallS (sleep S seconds before
                               answering); truncate (results cut in half)

To add a fault: write a method h_NAME(self, q) and it serves /NAME.
"""
import argparse
import socket
import base64
import email.utils
import gzip
import json
import mimetypes
import os
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Per-key request counters for /flaky, shared by all handler threads.
counters = {}
counters_lock = threading.Lock()
log_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like real services
    server_version = "faultserver/1"

    def log_message(self, fmt, *args):  # quiet: tests read --log instead
        pass

    # ---- plumbing ----

    def dispatch(self):
        u = urllib.parse.urlsplit(self.path)
        q = {k: v[-1] for k, v in urllib.parse.parse_qs(u.query, keep_blank_values=True).items()}
        n = int(self.headers.get("Content-Length") or 0)
        self.body = self.rfile.read(n) if n > 0 else b""
        self.log_request_line(u)
        parts = u.path.strip("/").split("/", 1)
        handler = getattr(self, "h_" + parts[0], None) if parts[0] else None
        if "delay" in q:
            time.sleep(float(q["delay"]))
        try:
            if parts[0] == "files" and len(parts) == 2:
                self.send_file(urllib.parse.unquote(parts[1]), q)
            elif handler is not None:
                handler(q)
            else:
                self.send_text(404, "no such endpoint\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = dispatch

    def log_request_line(self, u):
        if not self.server.log_path:
            return
        rec = {
            "method": self.command,
            "path": u.path,
            "query": u.query,
            "headers": {k: v for k, v in self.headers.items()},
            "body": self.body.decode("latin-1"),
        }
        with log_lock, open(self.server.log_path, "a") as f:
            f.write(json.dumps(rec) + "\n")

    def send(self, status, body, ctype="text/plain", headers=(), length=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
            self.wfile.flush()

    def send_text(self, status, text, headers=()):
        self.send(status, text.encode(), headers=headers)

    def file_data(self, name):
        path = os.path.join(self.server.dir, name)
        if not name or ".." in name.split("/") or not os.path.isfile(path):
            return None, None
        with open(path, "rb") as f:
            data = f.read()
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if name.endswith((".vot", ".xml")):
            ctype = "application/x-votable+xml"
        return data, ctype

    def payload(self, q):
        """The body a fault endpoint serves: file=NAME, else body=TEXT,
        else "ok\\n"; ctype=TYPE overrides its Content-Type."""
        data, ctype = b"ok\n", "text/plain"
        if "file" in q:
            d, t = self.file_data(q["file"])
            if d is not None:
                data, ctype = d, t
        elif "body" in q:
            data = q["body"].encode()
        return data, q.get("ctype", ctype)

    def send_file(self, name, q):
        data, ctype = self.file_data(name)
        if data is None:
            return self.send_text(404, "not found: %s\n" % name)
        rng = self.headers.get("Range", "")
        if rng.startswith("bytes=") and rng.endswith("-") and rng[6:-1].isdigit():
            start = int(rng[6:-1])
            if start >= len(data):
                return self.send_text(416, "range not satisfiable\n",
                                      [("Content-Range", "bytes */%d" % len(data))])
            return self.send(206, data[start:], ctype,
                             [("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))])
        self.send(200, data, ctype, [("Accept-Ranges", "bytes")])

    # ---- endpoints ----

    def h_redirect(self, q):
        code = int(q.get("code", "302"))
        to = q.get("to", self.path)  # no "to": a redirect loop
        self.send_text(code, "see %s\n" % to, [("Location", to)])

    def h_flaky(self, q):
        key = q.get("key", "")
        with counters_lock:
            counters[key] = counters.get(key, 0) + 1
            n = counters[key]
        if n <= int(q.get("fail", "1")):
            headers = []
            if "retry_after" in q:
                headers.append(("Retry-After", q["retry_after"]))
            elif "retry_date" in q:
                t = time.time() + float(q["retry_date"])
                headers.append(("Retry-After", email.utils.formatdate(t, usegmt=True)))
            return self.send_text(int(q.get("status", "503")), "failure %d\n" % n, headers)
        data, ctype = self.payload(q)
        self.send(200, data, ctype)

    def h_stall(self, q):
        secs = float(q.get("seconds", "10"))
        data, ctype = self.payload(q)
        if "after_bytes" not in q:
            time.sleep(secs)
            return self.send(200, data, ctype)
        n = int(q["after_bytes"])
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[:n])
        self.wfile.flush()
        time.sleep(secs)
        self.wfile.write(data[n:])
        self.wfile.flush()

    def h_truncate(self, q):
        data, ctype = self.payload(q)
        n = int(q.get("bytes", str(len(data) // 2)))
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data) + (0 if n < len(data) else 100)))
        self.end_headers()
        self.wfile.write(data[:n])
        self.wfile.flush()
        self.close_connection = True

    def h_gzip(self, q):
        data, ctype = self.payload(q)
        self.send(200, gzip.compress(data), ctype, [("Content-Encoding", "gzip")])

    def h_auth(self, q):
        token = q.get("token", "")
        user = q.get("user")
        got = self.headers.get("Authorization", "")
        ok = bool(token) and got == "Bearer " + token
        if got.startswith("Basic "):
            try:
                u, _, p = base64.b64decode(got[6:]).decode().partition(":")
                ok = p == token and (user is None or u == user)
            except ValueError:
                ok = False
        if ok:
            data, ctype = self.payload(q)
            return self.send(200, data, ctype)
        scheme = "Basic" if q.get("scheme") == "basic" else "Bearer"
        self.send_text(401, "authentication required\n",
                       [("WWW-Authenticate", '%s realm="x"' % scheme)])

    def h_status(self, q):
        code = int(q.get("code", "500"))
        if q.get("file"):
            data, ctype = self.payload(q)
            return self.send(code, data, ctype)
        self.send_text(code, "status %d\n" % code)

    def h_echo(self, q):
        rec = {
            "method": self.command,
            "path": self.path,
            "headers": {k: v for k, v in self.headers.items()},
            "body": self.body.decode("latin-1"),
        }
        self.send(200, (json.dumps(rec) + "\n").encode(), "application/json")

    def h_uws(self, q):
        parts = urllib.parse.urlsplit(self.path).path.strip("/").split("/")
        if len(parts) < 3:
            return self.send_text(404, "usage: /uws/MODE/NAME[/SUB]\n")
        mode, name, sub = parts[1], parts[2], "/".join(parts[3:])
        if mode.startswith("flaky"):
            key = "uws/" + name
            with counters_lock:
                counters[key] = counters.get(key, 0) + 1
                n = counters[key]
            if n <= int(mode[5:] or "1"):
                return self.send_text(503, "failure %d\n" % n, [("Retry-After", "1")])
        elif mode.startswith("stall"):
            time.sleep(float(mode[5:] or "30"))
        elif mode.startswith("reset"):
            # the first N requests: the connection closed, no answer
            key = "uwsreset/" + name
            with counters_lock:
                counters[key] = counters.get(key, 0) + 1
                n = counters[key]
            if n <= int(mode[5:] or "1"):
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return None
        doc, _ = self.file_data(name + ".xml")
        if doc is None:
            return self.send_text(404, "no such job: %s\n" % name)
        if self.command in ("POST", "DELETE"):
            to = "/uws/%s/%s" % (mode, name)
            return self.send_text(303, "see %s\n" % to, [("Location", to)])
        text = doc.decode("utf-8")

        def element(tag):
            m = re.search(r"<uws:%s[^>]*>([^<]*)<" % tag, text)
            return m.group(1) if m else ""

        if sub == "":
            return self.send(200, doc, "text/xml")
        if sub == "phase":
            return self.send_text(200, element("phase"))
        if sub == "error":
            return self.send_text(200, element("message"))
        if sub.startswith("results/"):
            data, _ = self.file_data(name + ".result")
            if data is None:
                return self.send_text(404, "no result\n")
            if mode in ("breakonce", "breaknorange"):
                # the first download breaks half-way; later ones succeed,
                # resuming at a Range (breakonce) or whole (breaknorange)
                key = "uwsresult/%s/%s" % (mode, name)
                with counters_lock:
                    counters[key] = counters.get(key, 0) + 1
                    n = counters[key]
                if n > 1:
                    rng = self.headers.get("Range", "")
                    if (mode == "breakonce" and rng.startswith("bytes=") and rng.endswith("-")
                            and rng[6:-1].isdigit() and int(rng[6:-1]) < len(data)):
                        start = int(rng[6:-1])
                        self.send_response(206)
                        self.send_header("Content-Type", "application/x-votable+xml")
                        self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
                        self.send_header("Content-Length", str(len(data) - start))
                        self.end_headers()
                        self.wfile.write(data[start:])
                        return None
                    return self.send(200, data, "application/x-votable+xml")
            elif mode != "truncate":
                return self.send(200, data, "application/x-votable+xml")
            self.send_response(200)
            self.send_header("Content-Type", "application/x-votable+xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return None
        self.send_text(200, element(sub))


    def h_dispo(self, q):
        """/dispo?name=N&file=F: F with Content-Disposition filename=N
        (star=1: as filename*=UTF-8''N)."""
        data, ctype = self.payload(q)
        name = q.get("name", "x")
        if q.get("star"):
            cd = "attachment; filename*=UTF-8''%s" % urllib.parse.quote(name)
        else:
            cd = 'attachment; filename="%s"' % name.replace('"', '\\"')
        self.send(200, data, ctype, [("Content-Disposition", cd)])

    def h_breakfirst(self, q):
        """/breakfirst?key=K&file=F[&bytes=N]: the first GET of each key
        declares the full length, sends N bytes (default half) and closes;
        later requests are served whole, honouring Range: bytes=N-."""
        if self.command == "HEAD":
            data, ctype = self.payload(q)
            return self.send(200, data, ctype, [("Accept-Ranges", "bytes")])
        key = "breakfirst/" + q.get("key", "")
        with counters_lock:
            counters[key] = counters.get(key, 0) + 1
            n = counters[key]
        data, ctype = self.payload(q)
        if n == 1:
            cut = int(q.get("bytes", str(len(data) // 2)))
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:cut])
            self.wfile.flush()
            self.close_connection = True
            return None
        rng = self.headers.get("Range", "")
        if rng.startswith("bytes=") and rng.endswith("-") and rng[6:-1].isdigit() \
                and int(rng[6:-1]) < len(data):
            start = int(rng[6:-1])
            return self.send(206, data[start:], ctype,
                             [("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))])
        self.send(200, data, ctype, [("Accept-Ranges", "bytes")])

def main():
    ap = argparse.ArgumentParser(description="fault-injecting HTTP test server")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--dir", default=".")
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=300)
    a = ap.parse_args()

    srv = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.dir = a.dir
    srv.log_path = a.log
    # Never outlive a test run, even if nobody stops us.
    t = threading.Timer(a.lifetime, lambda: os._exit(0))
    t.daemon = True
    t.start()
    if a.port_file:
        tmp = a.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % srv.server_address[1])
        os.rename(tmp, a.port_file)  # readers never see a partial file
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
