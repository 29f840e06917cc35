"""The Content-Security-Policy on responses (django-csp), and templates that need no exception from it.

The browser tests (tests/browser/test_csp.py) prove that no page reports a violation; these are the fast checks.
"""

import base64
import hashlib
import re
from pathlib import Path

import pytest
from csp.middleware import CSPMiddleware
from django.test import RequestFactory

from core import errors

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

# An inline event handler attribute (onclick=, onchange= …), an inline <script> (one without src that is not JSON
# data), an inline style attribute or block.
INLINE_HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=""", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"""<[^>]*\sstyle\s*=""", re.IGNORECASE)


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


@pytest.mark.django_db
def test_every_portal_response_carries_the_strict_policy(client):
    response = client.get("/accounts/login/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


@pytest.mark.django_db
def test_only_the_api_docs_allow_inline_styles_and_still_no_inline_script(client):
    docs = directives(client.get("/api/v1/docs/")["Content-Security-Policy"])
    assert "'unsafe-inline'" in docs["style-src"]
    assert docs["script-src"] == ["'self'"]
    # The docs' start-up script is a file from the same view, not an inline block.
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


@pytest.mark.parametrize(("handler", "template"), [(errors.server_error, "500"), (errors.service_unavailable, "503")])
def test_the_error_pages_allow_exactly_their_own_style_block(handler, template):
    response = handler(RequestFactory().get("/somewhere/"))
    response = _through_csp_middleware(response)
    block = re.search(r"<style>(.*?)</style>", response.content.decode(), re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
    style_src = directives(response["Content-Security-Policy"])["style-src"]
    assert style_src == ["'self'", f"'sha256-{digest}'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def _through_csp_middleware(response):
    request = RequestFactory().get("/somewhere/")
    middleware = CSPMiddleware(lambda r: response)
    middleware.process_request(request)
    return middleware.process_response(request, response)


def _template_files():
    return sorted(p for p in TEMPLATES.rglob("*.html"))


def test_templates_have_no_inline_script_handlers_or_styles():
    found = []
    for path in _template_files():
        text = path.read_text()
        name = path.relative_to(TEMPLATES)
        found += [f"{name}: inline handler {m.group(0)[:60]!r}" for m in INLINE_HANDLER.finditer(text)]
        found += [f"{name}: style attribute {m.group(0)[:60]!r}" for m in STYLE_ATTRIBUTE.finditer(text)]
        for match in SCRIPT_TAG.finditer(text):
            attributes = match.group(1)
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                found.append(f"{name}: inline <script{attributes}>")
    assert found == []


def test_the_inline_checks_catch_what_they_are_for():
    assert INLINE_HANDLER.search('<select name="year" onchange="this.form.submit()">')
    assert STYLE_ATTRIBUTE.search('<td style="color:red">')
    assert not INLINE_HANDLER.search('<select data-autosubmit name="year">')
    assert SCRIPT_TAG.search("<script>alert(1)</script>").group(1) == ""
