"""Every portal page, walked in Chromium as the bureau and as a hub coordinator:

* axe-core (vendored, static/vendor/axe-core/, injected here only) finds no serious or critical violation;
* on a phone (390 px wide) no page is wider than the screen: tables scroll inside their cards, the header folds
  into a menu;
* the delete confirmation lists the dependent records before anything is deleted;
* a missing page is the project's own 404 page (the live server runs without DEBUG, as production does).

"Every page" is found, not listed: starting at the dashboard the walk follows each same-site link in the page
(no query strings: those are the same pages filtered), and visits one page per URL shape (one hub, one fieldlab …).
It skips the API (Swagger UI is excepted: it is a third-party page) and the Django admin. A few pages that no link
reaches from the start (forms for new records, the password form) are added by hand.
"""

import json
import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import factories

from .conftest import SCREENSHOTS, screenshot, sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "static" / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
SKIP_PREFIXES = ("/api/", "/admin/", "/static/", "/media/", "/i18n/", "/accounts/logout/")
EXTRA_PAGES = ("/fieldlabs/new/", "/hubs/new/", "/funders/new/", "/funding/new/", "/accounts/password_change/")
PAGE_LIMIT = 80  # a guard against a walk that never ends; the network below has about 40 page shapes


@pytest.fixture
def walk_network(network):
    """The browser tests' network, plus a partner, a funder, a record of each status and a measurement, so each
    kind of page has something to show."""
    from evaluation.models import ActivityType, Indicator, Measurement

    factories.PartnerFactory(name="Koninklijke Metaalunie", slug="metaalunie")
    funder = factories.FunderFactory(name="Provincie Drenthe", slug="provincie-drenthe", source="regional")
    for fieldlab, source, status in (
        ("rosf", "regional", "draft"),
        ("tech", "regional", "submitted"),
        ("rosf", "national", "returned"),
    ):
        factories.FundingRecordFactory(
            fieldlab=network[fieldlab], year=2019, source=source, funder=funder, status=status,
            amount=Decimal("12500.00"), review_comment="Bijlage ontbreekt" if status == "returned" else "",
        )  # fmt: skip
    activity = ActivityType.objects.create(code="fieldlab-experimentation", name="Fieldlab experimentation")
    indicator = Indicator.objects.create(code="companies", name="Companies reached", unit="companies_reached")
    Measurement.objects.create(
        activity_type=activity, indicator=indicator, year=2019, fieldlab=network["rosf"], value=3, status="submitted"
    )
    return network


def _shape(path: str) -> str:
    """/fieldlabs/rosf/edit/ → /fieldlabs/*/edit/: the second segment names a record unless it is a fixed word."""
    fixed = {"new", "import", "review", "template", "runs", "search", "changes", "log"}
    parts = path.strip("/").split("/")
    shaped = ["*" if i == 1 and p not in fixed else p for i, p in enumerate(parts)]
    return "/" + "/".join(re.sub(r"^\d+$", "#", p) for p in shaped) + ("/" if path.endswith("/") else "")


def portal_pages(page, check) -> list[str]:
    """Every page reachable by links from the dashboard, one per URL shape, plus EXTRA_PAGES; `check(path)` runs on
    each while the walk has it open (one visit per page, not a walk and then a second round of visits)."""
    seen_shapes, pages, queue = set(), [], ["/", *EXTRA_PAGES]
    while queue and len(pages) < PAGE_LIMIT:
        path = queue.pop(0)
        if _shape(path) in seen_shapes:
            continue
        seen_shapes.add(_shape(path))
        response = page.goto(path)
        if response is None or response.status >= 400:
            continue
        if urlsplit(page.url).path != path:
            queue.insert(0, urlsplit(page.url).path)  # a redirect (/reports/ → the hub's year): visit where it led
            continue
        pages.append(path)
        hrefs = page.eval_on_selector_all("a[href]:not([download])", "els => els.map(a => a.getAttribute('href'))")
        check(path)
        for href in hrefs:
            parts = urlsplit(href)
            if parts.netloc or parts.query or not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
                continue
            queue.append(parts.path)
    return pages


def _record_walk(name: str, pages: list[str]) -> None:
    """The pages a walk checked, beside the screenshots, for a reviewer (test-artifacts/walks/NAME.json)."""
    folder = SCREENSHOTS.parent / "walks"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.json").write_text(json.dumps(pages, indent=1))


def axe_violations(page) -> list[dict]:
    # Evaluated through the DevTools protocol, not added as a <script>: the page's CSP (script-src 'self') rightly
    # blocks an inline script tag, and axe is a tool of the test, never served to users.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("username", ["bureau-anna", "coord-noord"])
def test_axe_core_finds_no_serious_or_critical_violation_on_any_portal_page(new_page, walk_network, username):
    page = new_page("nl-NL")
    sign_in(page, username)
    found = {}

    def check(path):
        violations = axe_violations(page)
        if violations:
            found[path] = violations

    pages = portal_pages(page, check)
    assert len(pages) >= 15, pages  # the walk really walked
    _record_walk(f"axe-{username}", pages)
    assert found == {}, json.dumps(found, indent=1)
    page.goto("/")
    screenshot(page, f"axe-checked-dashboard-{username}")


@pytest.mark.parametrize("username", ["bureau-anna", "coord-noord"])
def test_no_page_is_wider_than_a_phone(new_page, walk_network, username):
    page = new_page("nl-NL")
    page.set_viewport_size(PHONE)
    sign_in(page, username)
    too_wide = {}

    def check(path):
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[path] = width

    pages = portal_pages(page, check)
    assert len(pages) >= 15, pages
    _record_walk(f"phone-{username}", pages)
    assert too_wide == {}
    page.goto("/evaluation/")
    screenshot(page, f"phone-evaluation-{username}")
    page.goto("/funding/")
    screenshot(page, f"phone-funding-{username}")


def test_the_header_folds_into_a_menu_on_a_phone(new_page, walk_network):
    page = new_page("nl-NL")
    page.set_viewport_size(PHONE)
    sign_in(page, "bureau-anna")
    page.goto("/")
    nav = page.locator("nav.main-nav")
    toggle = page.locator("button.menu-toggle")
    assert toggle.is_visible() and not nav.is_visible()
    header_height = page.locator(".site-header").bounding_box()["height"]
    assert header_height < 100  # one row: the brand and the button
    screenshot(page, "phone-header-folded")
    toggle.click()
    assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    screenshot(page, "phone-header-open")
    page.locator("nav.main-nav a", has_text="Fieldlabs").click()
    page.wait_for_url("**/fieldlabs/")
    # The list's table scrolls inside its wrapper; the page itself does not.
    wrap = page.locator(".table-wrap").first
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # On a wide screen there is no button and the menu is simply there.
    page.set_viewport_size({"width": 1366, "height": 900})
    assert not toggle.is_visible() and nav.is_visible()


def test_without_javascript_the_phone_menu_stays_open(browser, live_server, walk_network):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        sign_in(page, "bureau-anna")
        page.goto("/")
        assert page.locator("nav.main-nav").is_visible()
        assert not page.locator("button.menu-toggle").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_the_delete_confirmation_lists_the_dependents(new_page, walk_network):
    page = new_page("nl-NL")
    sign_in(page, "bureau-anna")
    page.goto(f"/companies/{walk_network['rosf'].participations.first().company_id}/delete/")
    dependents = page.locator("#dependents")
    assert "Deelname" in dependents.inner_text() or "Participation" in dependents.inner_text()
    assert page.get_by_role("button", name=re.compile("verwijder", re.I)).is_visible()
    screenshot(page, "delete-confirmation-dependents")

    page.goto("/hubs/noord/delete/")
    refused = page.locator("#delete-refused")
    assert "Region of Smart Factories" in refused.inner_text() and "Technologies Added" in refused.inner_text()
    assert page.locator("form button.danger").count() == 0  # no button for a delete that would be refused
    screenshot(page, "delete-confirmation-refused")


def test_a_missing_page_is_the_projects_own_404(new_page, walk_network):
    page = new_page("nl-NL")
    sign_in(page, "bureau-anna")
    response = page.goto("/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Niet gevonden"  # templates/404.html, not Django's debug page
    assert page.locator("header.site-header").count() == 1
    screenshot(page, "not-found")
