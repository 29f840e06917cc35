import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _run(*args):
    out = io.StringIO()
    call_command("evaluate", *args, stdout=out)
    return out.getvalue()


def test_json_holds_every_table(evaluation_data):
    data = json.loads(_run("--format", "json"))
    assert data["funding_total"] == {"amount": "760.00", "records": 7}
    assert [r["status"] for r in data["recommendations"]] == ["partly", "not_met", "not_met", "partly", "partly"]


def test_csv_sections_parse(evaluation_data):
    text = _run("--format", "csv")
    first = text.split("\n\n")[0].splitlines()
    assert first[0].startswith("# Approved funding by source and year")
    rows = list(csv.DictReader(io.StringIO("\n".join(first[1:]))))
    assert {(r["source"], r["year"]): r["amount"] for r in rows}[("regional", "2019")] == "60.00"


def test_table_shows_verdicts(evaluation_data):
    text = _run("--year-min", "2015", "--year-max", "2019")
    line = next(line for line in text.splitlines() if line.startswith("activate") and "partly_effective" in line)
    assert "0.6364" in line


def test_save_freezes_a_run(evaluation_data, django_capture_on_commit_callbacks):
    from evaluation.models import EvaluationRun

    with django_capture_on_commit_callbacks(execute=True):
        _run("--format", "json", "--save")
    run = EvaluationRun.objects.get()
    assert run.job.status == "done" and run.job.owner is None  # the system's run: the bureau's job
    assert run.results["funding_total"]["amount"] == "760.00"


def test_bad_window_is_a_clear_error(evaluation_data):
    with pytest.raises(CommandError, match="year_max"):
        _run("--year-min", "2019", "--year-max", "2015")
