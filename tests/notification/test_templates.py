"""Templates: every mail has a subject, a text and an HTML part; HTML is escaped, text is not."""

from __future__ import annotations

import pytest

from tradehub.config import Settings
from tradehub.notification.rendering import (
    TemplateProblem,
    render_email,
    render_sms,
    template_names,
)

CONTEXTS = {
    "password_reset": {"name": "Asha", "link": "https://app.test/reset?token=t0k", "minutes": 60},
    "invitation": {
        "name": "Ravi",
        "link": "https://app.test/invite?token=i9",
        "inviter": "Asha Rao",
        "organization": "Rao Cotton Brokers",
        "days": 7,
    },
    "otp": {"name": "Asha", "code": "482913", "minutes": 10},
    "welcome": {"name": "Ravi", "email": "ravi@example.com", "login_url": "https://app.test/"},
    "kyc_reminder": {
        "legal_name": "Shree Krishna Ginning",
        "code": "BP-2026-00001",
        "due_date": "2026-12-28",
        "days_left": 30,
        "days_overdue": 0,
        "threshold": "30",
        "overdue": False,
        "expiry_date": "2027-01-27",
        "kyc_expired": False,
        "grace_days": 30,
        "documents": ["pan", "cancelled_cheque", "gst_certificate"],
    },
    "contract_confirmed": {
        "legal_name": "Shree Krishna Ginning",
        "side": "seller",
        "contract_id": "5d0c7a52-8f7b-4a55-9b0e-2f4f3c1d9e10",
        "contract_no": "SC/26-27/00001",
        "contract_date": "2026-11-28",
        "revision": 1,
        "seller_name": "Shree Krishna Ginning",
        "buyer_name": "Vardhman Spinning Mills",
        "commodity": "Cotton",
        "variety": "Shankar-6",
        "bales": 100,
        "rate": "55500",
        "rate_unit": "candy",
        "contract_value": "2,653,262.09",
        "delivery_terms": "Ex-Gin",
        "payment_terms": "30 days",
    },
    "contract_amended": {
        "legal_name": "Vardhman Spinning Mills",
        "side": "buyer",
        "contract_id": "5d0c7a52-8f7b-4a55-9b0e-2f4f3c1d9e10",
        "contract_no": "SC/26-27/00001",
        "contract_date": "2026-11-28",
        "revision": 2,
        "seller_name": "Shree Krishna Ginning",
        "buyer_name": "Vardhman Spinning Mills",
        "commodity": "Cotton",
        "variety": "Shankar-6",
        "bales": 120,
        "rate": "56000",
        "rate_unit": "candy",
        "contract_value": "3,212,598.43",
        "delivery_terms": "Ex-Gin",
        "payment_terms": "30 days",
        "reason": "Buyer took 20 more bales",
        "changed": ["bales", "contract value", "rate"],
    },
    "dispute_raised": {
        "legal_name": "Shree Krishna Ginning",
        "dispute_id": "0b7f3c1e-4a52-4d7e-9c2f-5f1e8a9b6d40",
        "contract_no": "SC/26-27/00001",
        "category": "quality",
        "subject": "Staple length below 28.5 mm",
        "raised_by_side": "buyer",
        "claimed_amount": "25000.00",
    },
    "dispute_resolved": {
        "legal_name": "Shree Krishna Ginning",
        "dispute_id": "0b7f3c1e-4a52-4d7e-9c2f-5f1e8a9b6d40",
        "contract_no": "SC/26-27/00001",
        "category": "quality",
        "subject": "Staple length below 28.5 mm",
        "raised_by_side": "buyer",
        "claimed_amount": "25000.00",
        "resolution": "Rate reduced by Rs. 250 a candy",
        "resolution_kind": "partially_upheld",
        "settled_amount": "12500.00",
    },
}


def test_every_mail_has_a_test_context_and_otp_has_an_sms() -> None:
    assert template_names("email") == sorted(CONTEXTS)
    assert template_names("sms") == ["otp"]


@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_each_mail_renders_subject_text_and_html(name: str, test_settings: Settings) -> None:
    rendered = render_email(name, CONTEXTS[name], settings=test_settings)
    assert rendered.subject and "\n" not in rendered.subject
    assert "TradeHub" in rendered.subject or "TradeHub" in rendered.text
    assert rendered.html.lstrip().startswith("<!doctype html>")
    for value in CONTEXTS[name].values():
        if isinstance(value, str) and value.startswith("https://"):
            assert value in rendered.text and f'href="{value}"' in rendered.html


def test_specific_content(test_settings: Settings) -> None:
    otp = render_email("otp", CONTEXTS["otp"], settings=test_settings)
    assert otp.subject == "Your TradeHub code is 482913"
    assert "482913" in otp.text and "10 minutes" in otp.text
    reset = render_email("password_reset", CONTEXTS["password_reset"], settings=test_settings)
    assert "within 60 minutes" in reset.text
    invitation = render_email("invitation", CONTEXTS["invitation"], settings=test_settings)
    assert invitation.subject == "Asha Rao invited you to Rao Cotton Brokers"
    assert "within 7 days" in invitation.text
    welcome = render_email("welcome", {"name": "Ravi"}, settings=test_settings)
    assert test_settings.public_url in welcome.text, "optional values fall back to defaults"
    sms = render_sms("otp", CONTEXTS["otp"], settings=test_settings)
    assert sms.startswith("482913 is your TradeHub verification code") and "\n" not in sms


def test_html_is_escaped_and_text_is_not(test_settings: Settings) -> None:
    context = {**CONTEXTS["welcome"], "name": "<script>alert('x')</script> & Sons"}
    rendered = render_email("welcome", context, settings=test_settings)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html and "&amp; Sons" in rendered.html
    assert "<script>alert('x')</script> & Sons" in rendered.text


def test_a_missing_variable_or_template_is_a_template_problem(test_settings: Settings) -> None:
    with pytest.raises(TemplateProblem, match="link"):
        render_email("password_reset", {"name": "Asha"}, settings=test_settings)
    with pytest.raises(TemplateProblem, match="nothing_like_this"):
        render_email("nothing_like_this", {}, settings=test_settings)
    with pytest.raises(TemplateProblem, match="welcome"):
        render_sms("welcome", {}, settings=test_settings)


@pytest.mark.parametrize("name", ["../../etc/passwd", "Welcome", "_layout", "otp.txt", ""])
def test_template_names_cannot_reach_other_files(name: str, test_settings: Settings) -> None:
    with pytest.raises(TemplateProblem, match="not a template name"):
        render_email(name, {}, settings=test_settings)
