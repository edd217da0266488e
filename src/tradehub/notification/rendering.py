"""Jinja2 templates for e-mails (subject, plain text and HTML) and SMS texts.

``templates/email/<name>.subject.txt``, ``<name>.txt`` and ``<name>.html``;
``templates/sms/<name>.txt``. HTML is autoescaped, text is not; a variable a template uses
without a default must be in the message's context, or rendering fails (and the message goes
``dead``: trying again would fail the same way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError, select_autoescape

from tradehub.config import Settings

TEMPLATES = Path(__file__).parent / "templates"
PRODUCT = "TradeHub"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,99}$")


class TemplateProblem(Exception):
    """The message cannot be rendered: a missing template or a missing variable."""


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@lru_cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,
    )


def _context(context: dict[str, Any], settings: Settings) -> dict[str, Any]:
    return {"product": PRODUCT, "public_url": settings.public_url, **context}


def _render(path: str, context: dict[str, Any]) -> str:
    try:
        return _environment().get_template(path).render(context)
    except TemplateError as exc:
        raise TemplateProblem(f"template {path}: {exc.message or type(exc).__name__}") from exc


def _checked(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise TemplateProblem(f"not a template name: {name[:100]!r}")
    return name


def render_email(name: str, context: dict[str, Any], *, settings: Settings) -> RenderedEmail:
    name = _checked(name)
    values = _context(context, settings)
    subject = " ".join(_render(f"email/{name}.subject.txt", values).split())
    return RenderedEmail(
        subject=subject,
        text=_render(f"email/{name}.txt", values),
        html=_render(f"email/{name}.html", values),
    )


def render_sms(name: str, context: dict[str, Any], *, settings: Settings) -> str:
    name = _checked(name)
    return " ".join(_render(f"sms/{name}.txt", _context(context, settings)).split())


def template_names(channel: str) -> list[str]:
    """The templates a channel has, e.g. ``["invitation", "otp", "password_reset", "welcome"]``."""
    folder = TEMPLATES / channel
    suffix = ".subject.txt" if channel == "email" else ".txt"
    return sorted(path.name[: -len(suffix)] for path in folder.glob(f"*{suffix}"))
