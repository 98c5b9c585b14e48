"""Alerts reach a real webhook and a real mail server, and never show a credential."""

from __future__ import annotations

import logging

import pytest

from foundation.alerts import Alert, AlertSettings, alert_settings_from_environment, send_alert
from tests.receivers import http_receiver, smtp_receiver

ALERT = Alert(
    job="master_data_sync",
    run_id="0123456789abcdef",
    reason="run_failed",
    summary="The master_data_sync run failed; the store keeps its last committed load.",
    details=["step source_records: 渠道 erp/partners.xlsx: no file matches"],
)


def test_an_alert_reaches_the_webhook_and_the_mailbox_without_showing_secrets(caplog):
    caplog.set_level(logging.INFO)
    with http_receiver() as (url, posts), smtp_receiver() as (port, mails):
        settings = alert_settings_from_environment(
            {
                "CHANNEL_MDM_ALERT_WEBHOOK": url,
                "CHANNEL_MDM_SMTP_HOST": "127.0.0.1",
                "CHANNEL_MDM_SMTP_PORT": str(port),
                "CHANNEL_MDM_SMTP_FROM": "sync@example.cn",
                "CHANNEL_MDM_ALERT_EMAIL_TO": "steward@example.cn, oncall@example.cn",
            }
        )
        outcomes = send_alert(ALERT, settings)

    assert outcomes == [
        f"webhook http://127.0.0.1:{url.split(':')[2].split('/')[0]}/…: delivered (HTTP 200)",
        f"mail server 127.0.0.1:{port}: delivered to 2 of 2 recipient(s)",
    ]
    (post,) = posts
    assert post["path"] == "/hooks/secret-token-123?key=abc"
    assert post["body"]["reason"] == "run_failed"
    assert post["body"]["subject"] == "[channel-mdm] master_data_sync: run FAILED (01234567)"
    assert "渠道 erp/partners.xlsx: no file matches" in post["body"]["text"]
    ((recipients, mail),) = mails
    assert recipients == ["steward@example.cn", "oncall@example.cn"]
    assert mail["Subject"] == "[channel-mdm] master_data_sync: run FAILED (01234567)"
    assert "run: 0123456789abcdef" in mail.get_payload(decode=True).decode("utf-8")
    shown = " ".join(outcomes) + caplog.text + repr(settings)
    assert "secret-token-123" not in shown and "key=abc" not in shown


def test_a_refusing_webhook_does_not_stop_the_mail():
    with http_receiver(status=500) as (url, posts), smtp_receiver() as (port, mails):
        settings = AlertSettings(
            webhook_url=url, smtp_host="127.0.0.1", smtp_port=port, smtp_from="a@b.cn", email_to=("c@d.cn",)
        )
        outcomes = send_alert(ALERT, settings)
    assert outcomes[0].endswith(": refused (HTTP 500)")
    assert outcomes[1].endswith("delivered to 1 of 1 recipient(s)")
    assert len(posts) == 1 and len(mails) == 1


def test_an_unreachable_mail_server_is_reported_without_the_password():
    with smtp_receiver() as (port, _):
        pass  # the server is gone: nothing listens on the port any more
    settings = AlertSettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="a@b.cn",
        email_to=("c@d.cn",),
        smtp_user="sync",
        smtp_password="hunter2-password",
    )
    (outcome,) = send_alert(ALERT, settings)
    assert outcome == f"mail server 127.0.0.1:{port}: not delivered (ConnectionRefusedError)"
    assert "hunter2" not in repr(settings)


def test_nothing_configured_says_what_to_set():
    assert send_alert(ALERT, AlertSettings()) == [
        "no alert sent: set CHANNEL_MDM_ALERT_WEBHOOK and/or CHANNEL_MDM_SMTP_HOST, "
        "CHANNEL_MDM_SMTP_FROM and CHANNEL_MDM_ALERT_EMAIL_TO"
    ]


def test_a_port_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError, match="CHANNEL_MDM_SMTP_PORT='twenty-five'"):
        alert_settings_from_environment({"CHANNEL_MDM_SMTP_PORT": "twenty-five"})
