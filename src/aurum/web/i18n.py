"""The language of a page: `ui_locales` (OpenID Connect), then Accept-Language."""

from __future__ import annotations

from fastapi import Request

from aurum.errors import request_language

LANGUAGES = ("en", "es")


def page_language(request: Request) -> str:
    """The first supported tag of `ui_locales` (space-separated, by preference), else the
    browser's Accept-Language, else English."""
    for tag in request.query_params.get("ui_locales", "").split():
        primary = tag.lower().split("-")[0]
        if primary in LANGUAGES:
            return primary
    return request_language(request)
