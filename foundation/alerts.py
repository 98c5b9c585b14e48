"""Tell someone when the nightly sync fails: a JSON POST to a webhook and/or an e-mail.

Where to send comes only from the environment (never from a file or run config), and nothing that may
hold a credential — the webhook's path and query, the SMTP password — is ever logged or returned.
A channel that is not configured is skipped; a channel that fails does not stop the other one.

| variable | meaning |
|---|---|
| ``CHANNEL_MDM_ALERT_WEBHOOK`` | URL that receives a JSON POST (chat bots' incoming webhooks take it as is) |
| ``CHANNEL_MDM_SMTP_HOST`` / ``CHANNEL_MDM_SMTP_PORT`` | mail server (port 25 unless given) |
| ``CHANNEL_MDM_SMTP_FROM`` / ``CHANNEL_MDM_ALERT_EMAIL_TO`` | sender; recipients, comma-separated |
| ``CHANNEL_MDM_SMTP_USER`` / ``CHANNEL_MDM_SMTP_PASSWORD`` | login, when the server needs one |
| ``CHANNEL_MDM_SMTP_STARTTLS`` | ``1`` to switch to TLS before logging in |
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 15


@dataclass(frozen=True)
class AlertSettings:
    """Where alerts go. Built by :func:`alert_settings_from_environment`; ``repr`` hides the secrets."""

    webhook_url: str = field(default="", repr=False)
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = ""
    email_to: tuple[str, ...] = ()
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = False

    @property
    def email_configured(self) -> bool:
        return bool(self.smtp_host and self.smtp_from and self.email_to)

    @property
    def configured(self) -> bool:
        return bool(self.webhook_url) or self.email_configured


def alert_settings_from_environment(environ: Mapping[str, str] | None = None) -> AlertSettings:
    """Read the ``CHANNEL_MDM_ALERT_*`` and ``CHANNEL_MDM_SMTP_*`` variables (see the module docstring)."""
    env = os.environ if environ is None else environ
    port_text = env.get("CHANNEL_MDM_SMTP_PORT", "").strip()
    if port_text and not port_text.isdigit():
        raise ValueError(f"CHANNEL_MDM_SMTP_PORT={port_text!r}: give the mail server's port as a number")
    recipients = tuple(a.strip() for a in env.get("CHANNEL_MDM_ALERT_EMAIL_TO", "").split(",") if a.strip())
    return AlertSettings(
        webhook_url=env.get("CHANNEL_MDM_ALERT_WEBHOOK", "").strip(),
        smtp_host=env.get("CHANNEL_MDM_SMTP_HOST", "").strip(),
        smtp_port=int(port_text) if port_text else 25,
        smtp_from=env.get("CHANNEL_MDM_SMTP_FROM", "").strip(),
        email_to=recipients,
        smtp_user=env.get("CHANNEL_MDM_SMTP_USER", "").strip(),
        smtp_password=env.get("CHANNEL_MDM_SMTP_PASSWORD", ""),
        smtp_starttls=env.get("CHANNEL_MDM_SMTP_STARTTLS", "").strip().lower() in {"1", "true", "yes"},
    )


@dataclass(frozen=True)
class Alert:
    """What went wrong with one run, in words a person on call can act on."""

    job: str
    run_id: str
    reason: str
    """``run_failed`` or ``reconciliation_not_accepted``."""
    summary: str
    """One line: what failed."""
    details: list[str] = field(default_factory=list)
    """Failed steps and their messages, the reconciliation report's path, the partition…"""
    link: str = ""

    @property
    def subject(self) -> str:
        what = "reconciliation NOT ACCEPTED" if self.reason == "reconciliation_not_accepted" else "run FAILED"
        return f"[channel-mdm] {self.job}: {what} ({self.run_id[:8]})"

    def text(self) -> str:
        lines = [self.summary, "", f"job: {self.job}", f"run: {self.run_id}"]
        if self.link:
            lines.append(f"link: {self.link}")
        if self.details:
            lines += ["", *self.details]
        return "\n".join(lines) + "\n"


def describe_endpoint(url: str) -> str:
    """The webhook as it may be shown: scheme and host only (tokens live in paths and queries)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "") + "/…"


def send_alert(alert: Alert, settings: AlertSettings) -> list[str]:
    """Send ``alert`` to every configured channel; one line per channel saying how it went."""
    outcomes: list[str] = []
    if settings.webhook_url:
        outcomes.append(_post_webhook(alert, settings.webhook_url))
    if settings.email_configured:
        outcomes.append(_send_email(alert, settings))
    if not outcomes:
        outcomes.append(
            "no alert sent: set CHANNEL_MDM_ALERT_WEBHOOK and/or CHANNEL_MDM_SMTP_HOST, "
            "CHANNEL_MDM_SMTP_FROM and CHANNEL_MDM_ALERT_EMAIL_TO"
        )
    for line in outcomes:
        log.info(line)
    return outcomes


def _post_webhook(alert: Alert, url: str) -> str:
    endpoint = describe_endpoint(url)
    body = {"text": f"{alert.subject}\n{alert.text()}", "subject": alert.subject, **asdict(alert)}
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return f"webhook {endpoint}: delivered (HTTP {response.status})"
    except urllib.error.HTTPError as error:
        return f"webhook {endpoint}: refused (HTTP {error.code})"
    except (OSError, ValueError) as error:
        return f"webhook {endpoint}: not delivered ({type(error).__name__}: {_reason(error)})"


def _send_email(alert: Alert, settings: AlertSettings) -> str:
    where = f"mail server {settings.smtp_host}:{settings.smtp_port}"
    message = EmailMessage()
    message["Subject"] = alert.subject
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(settings.email_to)
    message.set_content(alert.text())
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            refused = smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        return f"{where}: login as {settings.smtp_user} refused (SMTP {error.smtp_code})"
    except (OSError, smtplib.SMTPException) as error:
        return f"{where}: not delivered ({type(error).__name__})"
    delivered = len(settings.email_to) - len(refused)
    return f"{where}: delivered to {delivered} of {len(settings.email_to)} recipient(s)"


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None)
    return type(reason).__name__ if isinstance(reason, BaseException) else str(reason or "")[:80]
