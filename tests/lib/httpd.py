#!/usr/bin/env python3
"""Loopback HTTP server for earshot's fetch tests (python3 stdlib only).

Binds 127.0.0.1 on a free port (or --port N) and prints the port on the
first line of stdout. With a file argument, appends each request (its
request line and header lines, then a blank line) to it; --record FILE
keeps the bodies the webhook route accepts. Exits when its stdin closes
(so a test that dies never leaves it running) or on SIGTERM. HTTP/1.1 with keep-alive, so connection reuse can be
observed through /conn.

Routes:
  /ok              RSS body, ETag "v1", Last-Modified LAST_MODIFIED;
                   304 when If-None-Match is "v1" (with the ETag) or
                   If-Modified-Since equals LAST_MODIFIED (without it)
  /feed/NAME       like /ok, with ETag "NAME-v1" and one item of its own
                   that names Acme
  /fresh/NAME      RSS without validators whose one item is new at each
                   request (guid NAME-N), naming Acme, praised or panned in
                   turn: a long-running watch test's steady stream.
                   ?upto=N: new for the first N requests, then the Nth
                   again; ?plain: the item names no brand
  /gzip            gzip-encoded body "plain text, compressed\\n"; 406 when
                   the request's Accept-Encoding does not offer gzip
  /bomb            1 KiB of gzip that inflates to 1 MiB of zeros
  /big             Content-Length of 1 MiB (over the tests' max_body)
  /slow            Content-Length 100, then one byte every 0.5 s
  /hang            accepts the request and never answers
  /redirect/N      302 to /redirect/N-1, each carrying ETag "redir" and
                   Retry-After: 999 that must not leak into the final
                   response; /redirect/0 is 200 "landed\\n" without validators
  /redirect-ftp    302 to ftp://127.0.0.1/feed.rss
  /redirect-file   302 to file:///etc/passwd
  /loop            302 to /loop, for ever
  /reset           Content-Length 1000, 100 bytes, then a TCP reset
  /chunked-cut     chunked body whose last chunk never comes: the
                   connection closes after the first
  /status/N        status N, body "error page N\\n"; 503 adds
                   Retry-After: 120, 429 adds Retry-After: RETRY_DATE
  /big-error       500 with a 1 MiB body (over the tests' max_body)
  /echo-headers    200 with the request's header lines as the body
  /conn            200 "port P\\n", P the client's source port
  /hostile-header  200 with an ETag holding a control byte, a 5000-byte
                   Last-Modified, a 23-digit Retry-After; body "a\\0b\\xff"
                   (4 bytes)
  /bad-header      200 with a header line that has no colon

Webhook receiver (for earshot's alert delivery tests):
  POST /hook/...   answers as the current mode says; when it answers 200 the
                   request body is appended, as one line, to the --record
                   FILE (each line is a complete body: a test may read the
                   file at any time)
  /mode/ok         POSTs answer 200 (the default)
  /mode/500        POSTs answer 500 and are not recorded
  /mode/slow/N     POSTs wait N seconds (a decimal), then answer 200
A receiver that is down is this server stopped; `--port N` lets a test start
it again on the port it had.

Usage: httpd.py [--port N] [--record FILE]
"""
import argparse
import gzip
import http.server
import os
import socket
import struct
import sys
import threading
import time

LATIN1_PAGE = (b'<html><head><meta charset="shift_jis"></head><body><article>'
               b'<h2>Caf\xe9 cr\xe8me for Acme</h2></article></body></html>')
LAST_MODIFIED = "Wed, 01 May 2024 09:30:00 GMT"
RETRY_DATE = "Thu, 01 Jan 2099 00:00:00 GMT"
RSS = (b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title>'
       b'<item><title>Acme</title><guid>1</guid></item></channel></rss>\n')
FEED = (b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>%s</title>'
        b'<item><title>Acme is wonderful, says %s</title><guid>%s-1</guid>'
        b'</item></channel></rss>\n')
LOG = None
LOG_LOCK = threading.Lock()
FRESH = {}  # /fresh/NAME: requests so far per name
FRESH_WORDS = (b"wonderful, fast and friendly", b"awful, slow and broken")


# The webhook receiver's state, shared by the handler threads.
HOOK = {"mode": "ok", "delay": 0.0, "record": None, "lock": threading.Lock()}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes

    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and code != 304:
            self.wfile.write(body)

    def route_feed(self, etag, body):
        if self.headers.get("If-None-Match") == etag:
            return self.reply(304, headers=[("ETag", etag)])
        if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
            return self.reply(304)
        self.reply(200, body, [("Content-Type", "application/rss+xml"),
                               ("ETag", etag), ("Last-Modified", LAST_MODIFIED)])

    def route_named_feed(self, name):
        n = name.encode("ascii", "replace")
        self.route_feed('"%s-v1"' % name, FEED % (n, n, n))

    def route_fresh(self, name, query):
        q = dict(kv.partition("=")[::2] for kv in query.split("&") if kv)
        with LOG_LOCK:
            FRESH[name] = n = FRESH.get(name, 0) + 1
        if q.get("upto", "").isdigit():
            n = min(n, int(q["upto"]))
        b = name.encode("ascii", "replace")
        body = (FEED.replace(b"wonderful", FRESH_WORDS[n % 2])
                .replace(b"%s-1", b"%s-" + str(n).encode()) % (b, b, b))
        if "plain" in q:
            body = body.replace(b"Acme", b"It")
        self.reply(200, body, [("Content-Type", "application/rss+xml")])

    def route_latin1_page(self):
        # Latin-1 bytes under a <meta> that says Shift_JIS: only the
        # header's charset reads them right.
        self.reply(200, LATIN1_PAGE, [("Content-Type", "text/html; charset=ISO-8859-1")])

    def route_gzip(self):
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return self.reply(406, b"gzip only\n")
        self.reply(200, gzip.compress(b"plain text, compressed\n"),
                   [("Content-Encoding", "gzip"), ("Content-Type", "text/plain")])

    def route_bomb(self):
        self.reply(200, gzip.compress(bytes(1 << 20)), [("Content-Encoding", "gzip")])

    def route_big(self):
        size = 1 << 20
        self.send_response(200)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        for _ in range(size // 4096):
            self.wfile.write(b"x" * 4096)

    def route_slow(self):
        self.send_response(200)
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _ in range(100):
            self.wfile.write(b"s")
            self.wfile.flush()
            time.sleep(0.5)

    def route_hang(self):
        time.sleep(60)
        self.close_connection = True

    def route_redirect(self, n):
        if n <= 0:
            return self.reply(200, b"landed\n", [("Content-Type", "text/plain")])
        self.reply(302, headers=[("Location", "/redirect/%d" % (n - 1)),
                                 ("ETag", '"redir"'), ("Retry-After", "999")])

    def route_reset(self):
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"r" * 100)
        self.wfile.flush()
        time.sleep(0.2)  # the client has the 100 bytes before the reset
        # SO_LINGER with a zero timeout makes close() send RST, not FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                   struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def route_chunked_cut(self):
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(b"a\r\nfirst part\r\n")
        self.wfile.flush()
        self.connection.shutdown(socket.SHUT_WR)
        self.close_connection = True

    def route_status(self, code):
        headers = []
        if code == 503:
            headers.append(("Retry-After", "120"))
        elif code == 429:
            headers.append(("Retry-After", RETRY_DATE))
        self.reply(code, b"error page %d\n" % code, headers)

    def route_hostile(self):
        self.wfile.write(b"HTTP/1.1 200 OK\r\n"
                         b'ETag: "a\x01b"\r\n'
                         b"Last-Modified: " + b"L" * 5000 + b"\r\n"
                         b"Retry-After: 99999999999999999999999\r\n"
                         b"Content-Length: 4\r\n\r\na\0b\xff")

    def route_bad_header(self):
        self.wfile.write(b"HTTP/1.1 200 OK\r\nthis line has no colon\r\n"
                         b"Content-Length: 2\r\n\r\nok")
        self.close_connection = True

    def set_mode(self, p):
        parts = p.split("/")[2:]
        if parts == ["ok"] or parts == ["500"]:
            HOOK["mode"], HOOK["delay"] = parts[0], 0.0
        elif len(parts) == 2 and parts[0] == "slow":
            HOOK["mode"], HOOK["delay"] = "ok", float(parts[1])
        else:
            return self.reply(404, b"no such mode\n")
        self.reply(200, b"mode %s\n" % "/".join(parts).encode())

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            if not self.path.startswith("/hook/"):
                return self.reply(404, b"no such route\n")
            if HOOK["mode"] == "500":
                return self.reply(500, b"receiver error\n")
            time.sleep(HOOK["delay"])
            if HOOK["record"]:
                with HOOK["lock"], open(HOOK["record"], "ab") as f:
                    f.write(body.replace(b"\n", b" ") + b"\n")
            self.reply(200, b"ok\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_GET(self):
        p, _, query = self.path.partition("?")
        if LOG:
            with LOG_LOCK, open(LOG, "a", encoding="latin-1") as f:
                f.write("%s\n%s\n" % (self.requestline, str(self.headers).rstrip("\n")))
                f.write("\n")
        if p.startswith("/mode/"):
            return self.set_mode(p)
        simple = {"/ok": lambda: self.route_feed('"v1"', RSS), "/gzip": self.route_gzip,
                  "/bomb": self.route_bomb, "/big": self.route_big,
                  "/slow": self.route_slow, "/hang": self.route_hang,
                  "/hostile-header": self.route_hostile,
                  "/bad-header": self.route_bad_header,
                  "/reset": self.route_reset,
                  "/chunked-cut": self.route_chunked_cut,
                  "/latin1-page": self.route_latin1_page}
        try:
            if p in simple:
                simple[p]()
            elif p.startswith("/redirect/") and p[10:].isdigit():
                self.route_redirect(int(p[10:]))
            elif p == "/redirect-ftp":
                self.reply(302, headers=[("Location", "ftp://127.0.0.1/feed.rss")])
            elif p.startswith("/feed/") and p[6:].isalnum():
                self.route_named_feed(p[6:])
            elif p.startswith("/fresh/") and p[7:].isalnum():
                self.route_fresh(p[7:], query)
            elif p == "/redirect-file":
                self.reply(302, headers=[("Location", "file:///etc/passwd")])
            elif p == "/loop":
                self.reply(302, headers=[("Location", "/loop")])
            elif p.startswith("/status/") and p[8:].isdigit():
                self.route_status(int(p[8:]))
            elif p == "/big-error":
                self.reply(500, b"e" * (1 << 20))
            elif p == "/echo-headers":
                self.reply(200, str(self.headers).encode("latin-1"),
                           [("Content-Type", "text/plain")])
            elif p == "/conn":
                self.reply(200, b"port %d\n" % self.client_address[1])
            else:
                self.reply(404, b"no such route\n")
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops SYNs when tests connect at once

    def handle_error(self, request, client_address):
        pass  # clients that hang up early are what the tests are about


def main():
    global LOG
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--record")
    ap.add_argument("log", nargs="?", help="append each request's headers here")
    args = ap.parse_args()
    HOOK["record"] = args.record
    LOG = args.log
    srv = Server(("127.0.0.1", args.port), Handler)
    print(srv.server_address[1], flush=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)


if __name__ == "__main__":
    main()
