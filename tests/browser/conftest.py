"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Skipped with a clear reason when /usr/bin/chromium (or the playwright package) is missing; `.ci/run` installs it.
Screenshots go to test-artifacts/screenshots/ (gitignored) so a reviewer can look at the pages.
"""

import contextlib
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls in the same test are still
# ordinary synchronous calls, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "correct-horse-battery"  # tests/factories.py UserFactory's password

pytestmark = pytest.mark.browser


def _skip_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


# Content-Security-Policy violations, as the page itself sees them: a listener installed before any page script (an
# init script, which Playwright adds through CDP's Page.addScriptToEvaluateOnNewDocument in every frame) passes each
# `securitypolicyviolation` event to Python at once, so a violation just before a navigation is not lost.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolation({page: String(document.location), directive: e.effectiveDirective || e.violatedDirective,
                         blocked: e.blockedURI, source: e.sourceFile, line: e.lineNumber, sample: e.sample});
}, true);"""


class CspViolations(list):
    """Every violation any page of one test reported: dicts with page, directive, blocked, source, line, sample."""

    def describe(self) -> str:
        return "\n".join(
            f"  {v.get('page')}: {v.get('directive')} blocked {v.get('blocked') or v.get('sample') or '?'}"
            f" ({v.get('source') or ''}:{v.get('line') or ''})"
            for v in self
        )


def watch_csp(context, violations: CspViolations) -> None:
    """Collect into `violations` every CSP violation in any page of this browser context (the event listener, and
    Chromium's console message as a second witness)."""
    context.expose_binding("__cspViolation", lambda source, violation: violations.append(violation))
    context.add_init_script(CSP_LISTENER)

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(
                {
                    "page": message.page.url if message.page else "?",
                    "directive": "console",
                    "sample": message.text[:300],
                }
            )

    context.on("console", on_console)


def assert_no_csp_violations(page, violations: CspViolations) -> None:
    """Fail now if any page so far reported a violation (round-trips to the page first, so reports still in flight
    from it have arrived)."""
    if not page.is_closed():
        page.evaluate("0")
    assert not violations, "Content-Security-Policy violations:\n" + violations.describe()


@pytest.fixture
def csp_violations():
    """The CSP violations of this test's pages (new_page watches every page it makes); the test fails if any."""
    return CspViolations()


@pytest.fixture
def new_page(browser, live_server, csp_violations):
    """new_page(locale="nl-NL") -> a fresh page (own cookies) whose relative URLs go to the live server.

    Every page made here is watched for Content-Security-Policy violations: the test fails at its end if any page
    reported one (call assert_no_csp_violations(page, csp_violations) to check earlier). Browser tests that make
    their own context should call watch_csp(context, csp_violations) the same way.
    """
    contexts = []
    pages = []

    def make(locale: str = "nl-NL"):
        context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1366, "height": 900})
        context.set_default_timeout(15000)
        watch_csp(context, csp_violations)
        contexts.append(context)
        page = context.new_page()
        pages.append(page)
        return page

    yield make
    for page in pages:
        if not page.is_closed():
            # Let reports still in flight arrive (a page that crashed or is mid-navigation has nothing left to flush).
            with contextlib.suppress(Exception):
                page.evaluate("0")
    for context in contexts:
        context.close()
    if csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + csp_violations.describe(), pytrace=False)


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(_label(page, "username")).fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _label(page, field: str) -> str:
    return page.locator(f"label[for=id_{field}]").inner_text()


UNLABELLED_CONTROLS = """() => Array.from(document.querySelectorAll('input, select, textarea'))
    .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .map(el => el.outerHTML.slice(0, 120))"""


def unlabelled_controls(page) -> list[str]:
    """Form controls on the page that have neither a <label> nor an aria-label (should be none)."""
    return page.evaluate(UNLABELLED_CONTROLS)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def network(transactional_db):
    """Two hubs (`noord`, `zuid`) with fieldlabs, approved funding 2015–2019, a coordinator each and a bureau user.

    Amounts are chosen so the expected totals can be worked out by hand in the tests:
    approved fieldlab funding 2015–2019 = 100 000 + 250 000 + 40 000 + 60 000 = 450 000.
    """
    from tests import factories

    noord = factories.HubFactory(name="Smart Industry Hub Noord", short_name="Noord", slug="noord")
    zuid = factories.HubFactory(name="Smart Industry Hub Zuid", short_name="Zuid", slug="zuid")
    rosf = factories.FieldlabFactory(
        name="Region of Smart Factories",
        slug="rosf",
        hub=noord,
        city="Drachten",
        start_year=2016,
        theme="smart factories",
    )
    tech = factories.FieldlabFactory(
        name="Technologies Added",
        slug="technologies-added",
        hub=noord,
        city="Emmen",
        start_year=2017,
        theme="shared robotised factory",
    )
    campione = factories.FieldlabFactory(
        name="Campione", slug="campione", hub=zuid, city="Zuid", start_year=2015, theme="predictive maintenance"
    )
    factories.FundingRecordFactory(fieldlab=rosf, year=2017, source="regional", amount=Decimal("100000.00"))
    factories.FundingRecordFactory(fieldlab=rosf, year=2018, source="companies", amount=Decimal("250000.00"))
    factories.FundingRecordFactory(fieldlab=tech, year=2018, source="national", amount=Decimal("40000.00"))
    factories.FundingRecordFactory(fieldlab=campione, year=2019, source="eu", amount=Decimal("60000.00"))
    for year in (2017, 2018):
        company = factories.CompanyFactory(name=f"Metaalbedrijf {year} B.V.")
        factories.ParticipationFactory(company=company, fieldlab=rosf, year=year)
    return {
        "noord": noord,
        "zuid": zuid,
        "rosf": rosf,
        "tech": tech,
        "campione": campione,
        "bureau": factories.BureauUserFactory(username="bureau-anna"),
        "coord_noord": factories.CoordinatorFactory(username="coord-noord", hub=noord),
        "coord_zuid": factories.CoordinatorFactory(username="coord-zuid", hub=zuid),
        "approved_total": Decimal("450000.00"),
    }
