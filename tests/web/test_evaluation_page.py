"""The evaluation pages against the evaluation module's hand-built dataset (tests/evaluation/conftest.py), whose
figures are worked out by hand there; here they are checked as the page shows them."""

import csv
import io
import json

import pytest
from django.test import Client

from evaluation.models import EvaluationRun
from jobs.services import job_fail
from tests import factories
from tests.evaluation.conftest import evaluation_data  # noqa: F401  (the fixture)

from .conftest import rows, text

NBSP = "\u00a0"


@pytest.fixture
def analyst(db):
    client = Client()
    client.force_login(factories.UserFactory(username="analyst-eva"))
    return client


@pytest.fixture
def bureau(db):
    client = Client()
    client.force_login(factories.BureauUserFactory(username="bureau-eva"))
    return client


def test_effectiveness_table(analyst, evaluation_data):  # noqa: F811
    table = rows(analyst.get("/evaluation/"), "evaluation-effectiveness")
    assert table[0][:5] == ["Activity type", "Goals", "Measurable", "Actual / target", "Verdict"]
    by_name = {row[0]: row[1:5] for row in table[1:]}
    assert by_name == {
        "Awareness": ["1", "1", "100%", "Effective"],  # (9 + 12) / (10 + 10), capped at 100%
        "Skills": ["1", "1", "30%", "Limited"],  # 30 / 100
        "Coordination": ["1", "0", "—", "Not assessable"],  # a goal without an indicator
        "Activation": ["1", "1", "64%", "Partly effective"],  # 35 / 55 = 0.636
    }


def test_funding_table_counts_approved_fieldlab_records_only(analyst, evaluation_data):  # noqa: F811
    page = analyst.get("/evaluation/")
    table = rows(page, "evaluation-funding")
    assert table[0] == ["Source", "2016", "2017", "2019", "Total"]
    by_source = {row[0]: row[1:] for row in table[1:]}
    # Fieldlab records: companies 100 (2016) + 300 (2017); regional 50 (2016) + 60 (2019); national 200 (2017).
    assert by_source["Companies"] == [f"€{NBSP}100.00", f"€{NBSP}300.00", f"€{NBSP}0.00", f"€{NBSP}400.00"]
    assert by_source["Total"][-1] == f"€{NBSP}710.00"
    # Public per private: (50 + 60 + 200) / 400 = 0.775 → 0.78.
    assert text(page, "leverage") == "0.78"


def test_efficiency_and_recommendations_are_shown(analyst, evaluation_data):  # noqa: F811
    page = analyst.get("/evaluation/")
    table = rows(page, "evaluation-efficiency-verdicts")
    assert table[0] == ["Activity type", "Programme view", "Regions' view"]
    # Worked out in tests/evaluation/test_selectors.py::test_regions_view: cost per unit against the norm, overall
    # (aware 7.14 ≤ 10, skills 6.67 > 5, activate 10.00 ≤ 20) and the regions' (activate 2.50 > 2.00).
    assert {row[0]: row[1:] for row in table[1:]} == {
        "Awareness": ["Within the norm", "Not assessable"],
        "Skills": ["Above the norm", "Not assessable"],
        "Coordination": ["Not assessable", "Not assessable"],  # no output and no norm
        "Activation": ["Within the norm", "Above the norm"],
    }
    # The status each check shows, and its share (worked out in tests/evaluation/test_checks.py), in page order.
    expected = [
        ("national_modules", "Partly met", "2 of 4"),  # no regional money for skills and coord
        ("skills_scope", "Not met", "0 of 1"),  # no scope decision on skills
        ("target_groups", "Not met", "2 of 5"),  # two activity types lack target groups; reach did not grow
        ("lead_levels", "Partly met", "2 of 4"),  # coord has two lead levels, skills no demand steering
        ("intervention_logic", "Partly met", "5 of 8"),  # coord has no measurable goal; g2, g4 no bottleneck
    ]
    for number, (code, status, share) in enumerate(expected, start=1):
        assert text(page, f"rec-{code}-title") == f"{number}. {code} {status}"
        assert f"{share} items comply." in text(page, f"recommendation-{code}")


def test_download_a_table_as_csv_and_xlsx(analyst, evaluation_data):  # noqa: F811
    response = analyst.get("/evaluation/download/effectiveness.csv?year_min=2016&year_max=2017")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    table = {(r["activity_type"], r["year"]): r for r in csv.DictReader(io.StringIO(body))}
    assert table[("skills", "2017")]["ratio"] == "0.3000" and table[("skills", "2017")]["verdict"] == "limited"
    assert {year for _code, year in table} == {"2016", "2017"}
    response = analyst.get("/evaluation/download/recommendations.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert analyst.get("/evaluation/download/nothing.csv").status_code == 404
    assert analyst.get("/evaluation/download/funding.pdf").status_code == 404


def test_bureau_starts_a_run_and_downloads_its_frozen_results(
    bureau,
    analyst,
    evaluation_data,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    assert analyst.post("/evaluation/runs/", {"year_min": 2016, "year_max": 2017}).status_code == 403
    # The run is queued on commit; with no broker the task then runs in-process.
    with django_capture_on_commit_callbacks(execute=True):
        response = bureau.post("/evaluation/runs/", {"year_min": 2016, "year_max": 2017})
    run = EvaluationRun.objects.get()
    assert response.status_code == 302 and response.url == f"/evaluation/runs/{run.pk}/"
    page = bureau.get(response.url)
    assert text(page, "run-state") == "Done"
    assert len(rows(page, "run-checks")) == 6  # header + the five recommendations
    body = json.loads(b"".join([bureau.get(f"/evaluation/runs/{run.pk}/results.json").content]))
    assert body["parameters"] == {"year_min": 2016, "year_max": 2017}
    assert body["fingerprint"] == run.fingerprint and len(run.fingerprint) == 64


def test_a_bad_window_is_reported_not_guessed(analyst, evaluation_data):  # noqa: F811
    page = analyst.get("/evaluation/?year_min=2019&year_max=2016")
    assert "year_max must not be before year_min." in page.content.decode()


def test_a_running_run_is_polled_in_place(analyst, db):
    run = factories.EvaluationRunFactory(job__status="running", job__done=1, job__total=3)
    page = analyst.get(f"/evaluation/runs/{run.pk}/")
    assert 'hx-trigger="every 1s"' in page.content.decode()
    fragment = analyst.get(f"/evaluation/runs/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="run-status"') and "<html" not in fragment
    assert 'max="3" value="1"' in fragment  # the job's progress
    job_fail(job_id=run.job_id, error="The worker stopped answering.")
    page = analyst.get(f"/evaluation/runs/{run.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' not in page and "The worker stopped answering." in page
