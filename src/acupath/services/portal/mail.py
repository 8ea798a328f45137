"""Sending portal links by email: optional, only when the clinic configures SMTP (``ACUPATH_SMTP_*``).

Without it the clinician shows the patient the link as a QR code and a URL, and nothing is sent. With
it, an invitation can also go to the patient's email, and the sign-in page offers to email a one-time
sign-in link. ``LinkSender`` is what the pages call; ``SmtpLinkSender`` sends with the standard
library's ``smtplib`` (STARTTLS by default, implicit TLS, or none for a relay on the same host). A
message holds the link and its expiry, never any clinical content.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Literal

#: How the connection to the SMTP server is secured.
Security = Literal["starttls", "ssl", "none"]


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send: host, port, optional login, the From address, the connection's security."""

    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    security: Security = "starttls"
    timeout_seconds: float = 10.0


@dataclass(frozen=True)
class LinkMessage:
    """One email carrying a portal link: to whom, its subject and its plain-text body."""

    to: str
    subject: str
    body: str


class LinkSender(abc.ABC):
    """Sends a portal link to a patient."""

    @abc.abstractmethod
    def send(self, message: LinkMessage) -> None:
        """Send ``message``. Raises ``OSError`` (``smtplib.SMTPException`` is one) when it could not."""


class SmtpLinkSender(LinkSender):
    """Sends with ``smtplib`` to the configured server, one connection per message."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, message: LinkMessage) -> None:
        import smtplib  # here, not at the top: the settings import this module, and most runs send nothing
        import ssl

        s = self.settings
        email = EmailMessage()
        email["From"], email["To"], email["Subject"] = s.sender, message.to, message.subject
        email.set_content(message.body)
        context = ssl.create_default_context()
        if s.security == "ssl":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_seconds, context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
        with client:
            if s.security == "starttls":
                client.starttls(context=context)
            if s.user:
                client.login(s.user, s.password or "")
            client.send_message(email)


def invitation_message(to: str, given_name: str, clinic_name: str, url: str, expires: str) -> LinkMessage:
    """Return the email of an invitation: ``url`` is the link, ``expires`` its expiry as the clinic writes it."""
    body = (f"Hello {given_name},\n\n{clinic_name} has invited you to its patient portal, where you can see your "
            f"treatment plan, your upcoming sessions and your handouts.\n\nOpen this link to set your password:\n"
            f"{url}\n\nThe link works once and until {expires}. If it has expired, ask the clinic for a new one.\n"
            "If you were not expecting this email, you can ignore it.\n")
    return LinkMessage(to=to, subject=f"Your invitation to the patient portal of {clinic_name}", body=body)


def sign_in_message(to: str, url: str, minutes: int) -> LinkMessage:
    """Return the email of a one-time sign-in link valid for ``minutes``."""
    body = (f"Open this link to sign in to your patient portal:\n{url}\n\nThe link works once, for {minutes} "
            "minutes. If you did not ask for it, you can ignore this email: nobody can sign in without it.\n")
    return LinkMessage(to=to, subject="Your sign-in link for the patient portal", body=body)
