"""Portal links by email: the SMTP sender against a small SMTP server in the test's process, and the
settings that turn it on."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from email import message_from_bytes

import pytest

from acupath.errors import InputError
from acupath.services.portal.mail import SmtpLinkSender, SmtpSettings, invitation_message, sign_in_message
from acupath.settings import Settings


class _Session(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) for one message: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        self.reply("220 test ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-test\r\n250 AUTH PLAIN\r\n")
            elif verb == "AUTH":
                server.logins.append(command)
                self.reply("235 ok")
            elif verb in ("MAIL", "RCPT"):
                server.envelope.append(command)
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go on")
                body = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    body += chunk
                server.messages.append(body)
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.messages: list[bytes] = []
        self.envelope: list[str] = []
        self.logins: list[str] = []


@pytest.fixture
def smtp() -> Iterator[_Server]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_an_invitation_is_sent_to_the_patient_with_its_link(smtp: _Server) -> None:
    port = smtp.server_address[1]
    sender = SmtpLinkSender(SmtpSettings(host="127.0.0.1", port=port, sender="portal@harbour.example",
                                         user="portal", password="secret", security="none"))
    message = invitation_message("anna@example.org", "Anna", "Harbour Clinic",
                                 "https://portal.example/portal/link?token=abc", "13 Dec 2026, 09:30 UTC")
    sender.send(message)
    [raw] = smtp.messages
    mail = message_from_bytes(raw)
    assert (mail["From"], mail["To"]) == ("portal@harbour.example", "anna@example.org")
    assert mail["Subject"] == "Your invitation to the patient portal of Harbour Clinic"
    body = mail.get_payload(decode=True).decode()
    assert "https://portal.example/portal/link?token=abc" in body and "13 Dec 2026, 09:30 UTC" in body
    assert [line.upper() for line in smtp.envelope] == ["MAIL FROM:<PORTAL@HARBOUR.EXAMPLE>", "RCPT TO:<ANNA@EXAMPLE.ORG>"]
    assert len(smtp.logins) == 1


def test_an_unreachable_server_raises_an_os_error() -> None:
    with socketserver.TCPServer(("127.0.0.1", 0), _Session) as closed:
        port = closed.server_address[1]
    sender = SmtpLinkSender(SmtpSettings(host="127.0.0.1", port=port, sender="p@h.example", security="none",
                                         timeout_seconds=2))
    with pytest.raises(OSError):
        sender.send(sign_in_message("anna@example.org", "https://x/portal/link?token=abc", 30))


def test_smtp_settings_are_read_only_with_a_host_and_need_a_from_address() -> None:
    assert Settings.from_env({}).smtp is None
    smtp = Settings.from_env({"ACUPATH_SMTP_HOST": "mail.example", "ACUPATH_SMTP_FROM": "portal@h.example",
                              "ACUPATH_SMTP_PORT": "2525", "ACUPATH_SMTP_USER": "u", "ACUPATH_SMTP_PASSWORD": "p",
                              "ACUPATH_SMTP_SECURITY": "ssl"}).smtp
    assert smtp == SmtpSettings(host="mail.example", port=2525, sender="portal@h.example", user="u", password="p",
                                security="ssl")
    with pytest.raises(InputError) as missing:
        Settings.from_env({"ACUPATH_SMTP_HOST": "mail.example"})
    assert missing.value.field == "ACUPATH_SMTP_FROM"
    with pytest.raises(InputError) as bad:
        Settings.from_env({"ACUPATH_SMTP_HOST": "m", "ACUPATH_SMTP_FROM": "a@b", "ACUPATH_SMTP_SECURITY": "tls"})
    assert bad.value.field == "ACUPATH_SMTP_SECURITY"


def test_the_portal_url_is_an_http_address_without_a_query() -> None:
    assert Settings.from_env({"ACUPATH_PORTAL_URL": "https://portal.example/"}).portal_url == "https://portal.example"
    with pytest.raises(InputError):
        Settings.from_env({"ACUPATH_PORTAL_URL": "ftp://portal.example"})
