"""A tiny SMTP server for the mail failure tests, on 127.0.0.1 and a free port.

In ``accept`` mode it takes every message and records it (envelope sender, recipients
and the parsed message); in ``refuse`` mode it greets normally, then answers
``550 5.7.1 refused`` to MAIL FROM (``refuse_at="MAIL"``) or to every RCPT TO
(``refuse_at="RCPT"``), as a relay refusing the dealer's mail would. The mode can be
switched while it runs. Only what the tests need of RFC 5321: EHLO/HELO, MAIL, RCPT, DATA
(with dot-unstuffing), RSET, NOOP, QUIT.
"""
import email
import email.policy
import re
import socketserver
import threading

ADDRESS = re.compile(r"<([^>]*)>")


class Received(object):
    """One message accepted by the server."""

    def __init__(self, mail_from, rcpt_to, data):
        self.mail_from = mail_from
        self.rcpt_to = list(rcpt_to)
        self.data = data
        self.message = email.message_from_bytes(data, policy=email.policy.default)

    @property
    def subject(self):
        return str(self.message["Subject"] or "")

    @property
    def to(self):
        return str(self.message["To"] or "")

    @property
    def message_id(self):
        return str(self.message["Message-Id"] or "")


class _Handler(socketserver.StreamRequestHandler):

    def reply(self, text):
        self.wfile.write(text.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        smtp = self.server.smtp
        smtp._count("connections")
        self.reply("220 127.0.0.1 ESMTP reliability-test")
        mail_from, rcpt_to = None, []
        while True:
            line = self.rfile.readline(65537)
            if not line:
                return
            command = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = command[:4].upper()
            if verb == "EHLO":
                self.reply("250-127.0.0.1")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif verb == "HELO":
                self.reply("250 127.0.0.1")
            elif verb == "MAIL":
                if smtp.mode == "refuse" and smtp.refuse_at == "MAIL":
                    smtp._count("refused")
                    self.reply("550 5.7.1 refused")
                    continue
                mail_from, rcpt_to = _address(command), []
                self.reply("250 2.1.0 OK")
            elif verb == "RCPT":
                if mail_from is None:
                    self.reply("503 5.5.1 MAIL first")
                elif smtp.mode == "refuse" and smtp.refuse_at == "RCPT":
                    smtp._count("refused")
                    self.reply("550 5.7.1 refused")
                else:
                    rcpt_to.append(_address(command))
                    self.reply("250 2.1.5 OK")
            elif verb == "DATA":
                if not rcpt_to:
                    self.reply("503 5.5.1 RCPT first")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = self._read_data()
                if data is None:
                    return
                smtp._record(Received(mail_from, rcpt_to, data))
                mail_from, rcpt_to = None, []
                self.reply("250 2.0.0 OK queued")
            elif verb == "RSET":
                mail_from, rcpt_to = None, []
                self.reply("250 2.0.0 OK")
            elif verb == "NOOP":
                self.reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not implemented")

    def _read_data(self):
        lines = []
        while True:
            line = self.rfile.readline(1 << 20)
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(lines)
            if line.startswith(b".."):
                line = line[1:]
            lines.append(line)


def _address(command):
    match = ADDRESS.search(command)
    return match.group(1) if match else command.split(":", 1)[-1].strip()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpServer(object):
    """``with SmtpServer("refuse") as smtp: ... smtp.port ... smtp.mode = "accept"``"""

    def __init__(self, mode="accept", refuse_at="MAIL"):
        assert mode in ("accept", "refuse") and refuse_at in ("MAIL", "RCPT")
        self.mode = mode
        self.refuse_at = refuse_at
        self.messages = []
        self.counts = {"connections": 0, "refused": 0}
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    @property
    def host(self):
        return self._server.server_address[0]

    @property
    def port(self):
        return self._server.server_address[1]

    def _record(self, received):
        with self._lock:
            self.messages.append(received)

    def _count(self, key):
        with self._lock:
            self.counts[key] += 1

    def start(self):
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.smtp = self
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="reliability-smtp", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
