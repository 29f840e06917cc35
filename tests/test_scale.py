"""An export of generated volume is never cut: exactly one line per record plus the header, and the amounts add up.

Marked ``scale``, so ``make test`` leaves it out. CI runs it on PostgreSQL after the suite with a million records:
``make test PYTEST_ARGS="-m scale"`` with ``SCALE_RECORDS=1000000`` (.ci/run). Without SCALE_RECORDS it makes
20,000 records, a quick local check. Which path the export takes is the threshold's choice
(EXPORT_STREAM_MAX_ROWS): a stream below it, a job and its download above it; the test follows the API either way.
"""

import csv
import os
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from funding.models import FundingRecord
from jobs.models import Job
from jobs.tasks import job_run_task
from tests import factories

pytestmark = [pytest.mark.scale, pytest.mark.django_db]

SCALE_RECORDS = int(os.environ.get("SCALE_RECORDS", "20000"))


def lines_of(response):
    """The body's lines as text, read chunk by chunk (a million rows are never held at once)."""
    chunks = response.streaming_content if response.streaming else [response.content]
    rest = b""
    for chunk in chunks:
        rest += chunk
        *lines, rest = rest.split(b"\r\n")
        for line in lines:
            yield line.decode("utf-8")
    if rest:
        yield rest.decode("utf-8")


def test_a_csv_export_of_the_generated_records_has_every_line_and_the_whole_sum(token_client):
    fieldlabs = max(SCALE_RECORDS // 1000, 10)
    call_command("generate_scale_data", fieldlabs=fieldlabs, records=SCALE_RECORDS, stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert FundingRecord.objects.count() == SCALE_RECORDS
    expected_sum = FundingRecord.objects.aggregate(total=Sum("amount"))["total"]
    client = token_client(factories.BureauUserFactory(username="scale-bureau"))

    response = client.get("/api/v1/funding-records/?format=csv")
    if response.status_code == 202:  # above EXPORT_STREAM_MAX_ROWS: a job writes the file
        job = Job.objects.get(pk=response.json()["id"])
        if job.status == "pending":  # inside the test's transaction the commit hook never sends it: run it here
            job_run_task.apply(args=(job.pk,))
        shown = client.get(response["Location"]).json()
        assert shown["status"] == "done", shown["error"]
        assert shown["result"] == {"rows": SCALE_RECORDS}
        response = client.get(shown["download_url"])
    assert response.status_code == 200

    lines = 0
    total = Decimal("0")
    reader = csv.reader(lines_of(response))
    header = next(reader)
    amount = header.index("amount")
    lines = 1
    for row in reader:
        lines += 1
        total += Decimal(row[amount])
    assert lines == SCALE_RECORDS + 1
    assert total == expected_sum
