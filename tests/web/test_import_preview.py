"""The import check shows every row, a page at a time, with each row's errors beside it."""

from funding.importers import COLUMNS
from jobs.models import Job

from .conftest import rows, text
from .test_import import upload


def _file(count: int, *, bad: int | None = None) -> str:
    lines = [",".join(COLUMNS)]  # planned amounts: the network holds realised ones only, so every row is new
    for i in range(count):
        year = 2010 + i % 30
        amount = "-1" if i == bad else str(i + 1)
        source = ("eu", "national", "regional", "knowledge", "companies")[i // 30 % 5]
        kind = "in_kind" if i // 150 else "cash"
        lines.append(f",{year},fieldlab,campione,{source},,{amount},{kind},planned,,,illustrative,,")
    return "\n".join(lines) + "\n"


def test_every_row_is_in_the_preview_a_page_at_a_time(bureau_client, network):
    page = upload(bureau_client, _file(250, bad=180))  # file row 182 (the header is row 1)
    job = Job.objects.get(kind="import_preview")
    assert len(job.result["rows"]) == 250
    assert text(page, "preview-position") == "Rows 1–100 of 250; page 1 of 3."
    lines = rows(page, "import-preview")[1:]
    assert [line[0] for line in (lines[0], lines[-1])] == ["2", "101"]
    assert lines[0][2 + COLUMNS.index("amount")] == "1"

    second = bureau_client.get(f"/jobs/{job.pk}/?page=2")
    assert text(second, "preview-position") == "Rows 101–200 of 250; page 2 of 3."
    [bad] = [line for line in rows(second, "import-preview")[1:] if line[1]]  # the row's errors, beside its number
    assert bad[0] == "182" and "amount" in bad[1]
    assert [line[0] for line in rows(second, "import-errors")[1:]] == ["182"]  # the list of every error, on every page

    beyond = bureau_client.get(f"/jobs/{job.pk}/?page=99")  # out of range: the last page
    assert text(beyond, "preview-position") == "Rows 201–250 of 250; page 3 of 3."
    assert len(rows(beyond, "import-preview")) == 1 + 50
