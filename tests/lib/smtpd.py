"""A loopback SMTP server for tests (Debian's python3-aiosmtpd).

    python3 tests/lib/smtpd.py DIR [--auth USER:PASSWORD]
    python3 tests/lib/smtpd.py --parse FILE.eml

Listens on 127.0.0.1 on a free port and prints the port on its first line.
Each message it accepts is saved as DIR/N.eml (the bytes as received) with
DIR/N.rcpt (the envelope: MAIL FROM, then one RCPT TO a line). Recipients
starting with "nobody@" are refused with 550. With --auth, AUTH PLAIN and
LOGIN are offered over the plain connection and required. Exits when its
stdin closes, so a test that dies takes it along.

--parse prints what Python's email module makes of a saved message, as one
JSON object: its headers, its parts' types and decoded texts, its defects
and the longest line."""
import email
import email.policy
import json
import logging
import os
import warnings
import socket
import sys


class Saver:
    def __init__(self, folder):
        self.folder, self.n = folder, 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("nobody@"):
            return "550 5.1.1 <%s>: no such mailbox" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.folder, str(self.n))
        with open(base + ".rcpt.tmp", "w") as f:
            f.write("\n".join([envelope.mail_from] + envelope.rcpt_tos) + "\n")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(envelope.original_content)
        # The .eml appears last and whole: a test polls for it.
        os.rename(base + ".rcpt.tmp", base + ".rcpt")
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 Message accepted"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def parse(path):
    raw = open(path, "rb").read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [p for p in msg.walk() if not p.is_multipart()]
    print(json.dumps({
        "subject": str(msg["subject"]), "from": str(msg["from"]), "to": str(msg["to"]),
        "date": str(msg["date"]), "message_id": str(msg["message-id"]),
        "mime_version": str(msg["mime-version"]), "type": msg.get_content_type(),
        "parts": [p.get_content_type() for p in parts],
        "encodings": [str(p["content-transfer-encoding"]) for p in parts],
        # Line ends as a mail client shows them.
        "bodies": [p.get_content().replace("\r\n", "\n") for p in parts],
        "defects": len(msg.defects) + sum(len(p.defects) for p in parts),
        "longest_line": max(len(l) for l in raw.split(b"\r\n")),
        "bare_lf": raw.replace(b"\r\n", b"").count(b"\n"),
    }))


def main():
    if sys.argv[1] == "--parse":
        return parse(sys.argv[2])
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    # Only the server needs aiosmtpd: --parse runs on any python3.
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    folder, auth = sys.argv[1], None
    if len(sys.argv) == 4 and sys.argv[2] == "--auth":
        auth = sys.argv[3].encode()
    kw = {}
    if auth:
        def check(server, session, envelope, mechanism, data):
            ok = data.login + b":" + data.password == auth
            return AuthResult(success=ok, handled=False)  # False: the server answers 535
        kw = dict(authenticator=check, auth_required=True, auth_require_tls=False)
    port = free_port()
    c = Controller(Saver(folder), hostname="127.0.0.1", port=port, **kw)
    c.start()
    print(port, flush=True)
    sys.stdin.read()
    c.stop()


main()
