"""MAIL_URL parsing, the retry schedule and what is kept of an error: pure rules, no database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dpia.mail.rules import (
    ERROR_LENGTH,
    MAX_ATTEMPTS,
    MailUrlError,
    error_summary,
    gives_up,
    new_message_id,
    parse_mail_url,
    retry_delay,
    sender_address,
)


class TestMailUrl:
    def test_smtp_with_a_password_uses_starttls_and_decodes_the_credentials(self):
        settings = parse_mail_url("smtp://dpia%40northshire.example:p%40ss%3Aword%2F%25@mail.example.org:587")
        assert (settings.host, settings.port) == ("mail.example.org", 587)
        assert settings.starttls and not settings.implicit_tls
        assert settings.username == "dpia@northshire.example"
        assert settings.password == "p@ss:word/%"

    def test_smtp_without_a_port_is_the_submission_port_with_starttls(self):
        settings = parse_mail_url("smtp://user:secret@mail.example.org")
        assert settings.port == 587 and settings.starttls

    def test_smtps_is_implicit_tls_on_465(self):
        settings = parse_mail_url("smtps://user:secret@mail.example.org")
        assert settings.port == 465 and settings.implicit_tls and not settings.starttls

    def test_starttls_can_be_turned_off_for_a_local_relay_without_a_password(self):
        settings = parse_mail_url("smtp://relay.internal:25?starttls=false")
        assert settings.port == 25 and not settings.starttls and settings.username is None

    @pytest.mark.parametrize("url", ["smtp://user:secret@relay:25?starttls=false",
                                     "smtp://user@relay:25?STARTTLS=False"])
    def test_a_password_without_tls_is_refused(self, url):
        with pytest.raises(MailUrlError, match="unencrypted"):
            parse_mail_url(url)

    @pytest.mark.parametrize(("url", "message"), [
        ("http://mail.example.org", "smtp://"),
        ("mail.example.org:587", "smtp://"),
        ("smtp://:587", "host name"),
        ("smtp://mail.example.org:99999", "port"),
        ("smtp://mail.example.org?starttls=maybe", "true or false"),
    ])
    def test_unusable_urls_say_what_to_fix(self, url, message):
        with pytest.raises(MailUrlError, match=message):
            parse_mail_url(url)

    def test_the_password_is_not_in_the_settings_repr(self):
        assert "secret" not in repr(parse_mail_url("smtps://user:secret@mail.example.org"))


class TestRetries:
    def test_the_delay_doubles_from_a_minute_up_to_an_hour(self):
        delays = [retry_delay(attempt) for attempt in range(1, MAX_ATTEMPTS + 1)]
        assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
        assert max(delays) == timedelta(hours=1) == delays[-1]

    def test_gives_up_at_the_last_attempt(self):
        assert not gives_up(MAX_ATTEMPTS - 1)
        assert gives_up(MAX_ATTEMPTS)


class TestMessageIds:
    def test_on_the_sender_domain_and_unique(self):
        first, second = (new_message_id("DPIA service <dpia@northshire.example>") for _ in range(2))
        assert first.startswith("<") and first.endswith("@northshire.example>")
        assert first != second

    def test_sender_address_drops_the_display_name(self):
        assert sender_address("DPIA service <dpia@northshire.example>") == "dpia@northshire.example"
        assert sender_address("dpia@northshire.example") == "dpia@northshire.example"


class TestErrorSummary:
    def test_addresses_the_server_echoes_are_masked(self):
        summary = error_summary("550 5.1.1 <pat.jones@northshire.example>: Recipient address rejected")
        assert "pat.jones" not in summary and "northshire.example" not in summary
        assert summary.startswith("550 5.1.1 <<address>>")

    def test_only_the_first_line_and_at_most_the_column_length(self):
        assert error_summary("first\nsecond") == "first"
        assert len(error_summary("x" * 2000)) == ERROR_LENGTH
