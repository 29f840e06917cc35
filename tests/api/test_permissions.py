"""The permission matrix: every endpoint of the schema × every method × every role, each status asserted.

The endpoints come from the generated schema (so an endpoint added later — e.g. the evaluation tables — is in the
matrix automatically). The expectations are the rules of DESIGN.md written out per resource:

* anonymous callers get 401 everywhere (the schema and the docs are public);
* every role reads; drafts and returned records only for the bureau and the hub's own people — its coordinators and
  its hub viewer (404 for everyone else — the record is not there for them);
* the bureau writes everything; a coordinator creates, edits, deletes and submits the drafts of their own hub and
  nothing else; hub viewers, analysts and read-only tokens never write;
* a method an endpoint does not have is 405 — but only after authentication and the role check, so a caller who
  could not write anyway learns nothing more than 401/403.

Each request runs in a savepoint that is rolled back, so every role meets the same world.
"""

import functools
import re

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from drf_spectacular.generators import SchemaGenerator

from jobs.models import Job

from .conftest import ROLES

METHODS = ("get", "post", "put", "patch", "delete")
ALL_READ = {"anonymous": 401, **dict.fromkeys(ROLES[1:], 200)}


@functools.cache
def schema_operations() -> dict[str, set[str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return {path: {m for m in ops if m in METHODS} for path, ops in schema["paths"].items()}


def writes(bureau: int, *, coordinator_here: int = 403, coordinator_other: int = 403) -> dict[str, int]:
    return {
        "anonymous": 401,
        "analyst": 403,
        "read_only_token": 403,
        "viewer_here": 403,  # a hub viewer never writes
        "coordinator_here": coordinator_here,
        "coordinator_other": coordinator_other,
        "bureau": bureau,
    }


# Registry-like resources: (path of a detail, the status the bureau's DELETE gets). 409 where other records still
# refer to the object (PROTECT), 204 where nothing does.
REGISTRY = {
    "partners": ("p1", 204),
    "provinces": ("zuid-holland", 409),  # a fieldlab and the hub refer to it
    "hubs": ("here", 409),  # fieldlabs and a coordinator refer to it
    "fieldlabs": ("lab-here", 409),  # funding records refer to it
    "companies": (None, 204),  # participations go with the company (CASCADE)
    "participations": (None, 204),
    "funders": ("pzh", 409),  # a funding record refers to it
}


def create_body(world, resource: str) -> dict:
    return {
        "partners": {"name": "Partner Two", "short_name": "P2", "slug": "p2", "kind": "other", "joined_year": 2016},
        "provinces": {"name": "Utrecht", "slug": "utrecht", "code": "UT"},
        "hubs": {"name": "Hub New", "slug": "new", "provinces": ["groningen"], "founded_year": 2019},
        "fieldlabs": {"name": "Lab New", "slug": "lab-new", "theme": "3D printing", "hub": "here", "start_year": 2019},
        "companies": {"name": "Beta B.V.", "kvk_number": "87654321"},
        "participations": {"company": world.company.pk, "hub": "here", "year": 2019, "support_type": "voucher"},
        "funders": {"name": "TNO", "slug": "tno", "source": "knowledge", "kind": "knowledge_institution"},
        "funding-records": {
            "recipient_kind": "fieldlab",
            "recipient": "lab-here",
            "year": 2019,
            "source": "eu",
            "amount": "10.00",
        },
    }[resource]


def patch_body(resource: str) -> dict:
    return {
        "partners": {"description": "Changed."},
        "provinces": {"name": "Zuid Holland"},
        "hubs": {"description": "Changed."},
        "fieldlabs": {"city": "Rotterdam"},
        "companies": {"city": "Leiden"},
        "participations": {"support_type": "training"},
        "funders": {"name": "Provincie ZH"},
        "funding-records": {"amount": "1600.00"},
    }[resource]


def detail_key(world, resource: str):
    if resource in REGISTRY and REGISTRY[resource][0]:
        return REGISTRY[resource][0]
    return {
        "companies": world.company.pk,
        "participations": world.participation.pk,
        "funding-records": world.draft.pk,
        "reporting-periods": world.period.pk,
    }[resource]


def expected(world, path: str, method: str, allowed: set[str]) -> tuple[str, dict | None, dict[str, int]]:
    """(url, body, {role: status}) for one operation; the heart of the matrix."""
    parts = path.removeprefix("/api/v1/").strip("/").split("/")
    resource = parts[0]
    detail = len(parts) > 1 and parts[1].startswith("{")
    action = parts[2] if detail and len(parts) > 2 else (parts[1] if not detail and len(parts) > 1 else None)

    if resource == "evaluation":
        return _expected_evaluation(path, method, allowed)
    if resource == "jobs":
        return _expected_jobs(world, path, method, allowed)
    assert resource in {*REGISTRY, "funding-records", "reporting-periods"}, f"the matrix does not know {path}"

    key = detail_key(world, resource) if detail else None
    if resource == "funding-records" and action in ("approve", "return"):
        key = world.submitted.pk  # only a submitted record can be approved or returned
    url = "/api/v1/" + resource + "/" + (f"{key}/" if detail else "") + (f"{action}/" if action else "")

    coordinator_writes = resource == "funding-records"
    if method not in allowed:
        if method == "get":
            return url, None, {"anonymous": 401, **dict.fromkeys(ROLES[1:], 405)}
        coordinator = 405 if coordinator_writes else 403
        return url, None, writes(405, coordinator_here=coordinator, coordinator_other=coordinator)

    if resource == "funding-records":
        return url, *_expected_funding(world, method, detail, action)
    if resource == "reporting-periods":
        if method == "get":
            return url, None, ALL_READ
        return url, {"hub": "here", "year": 2019}, writes(200)  # close / reopen: bureau only

    # Registry resources and funders.
    if method == "get":
        return url, None, ALL_READ
    if method == "post":
        return url, create_body(world, resource), writes(201)
    if method == "put":
        return url, "PUT", writes(200)
    if method == "patch":
        return url, patch_body(resource), writes(200)
    return url, None, writes(REGISTRY[resource][1])


def _expected_funding(world, method, detail, action):
    # The detail record is a draft of "here": invisible (404) to analysts and to the other hub's coordinator; the
    # hub's own viewer reads it (ALL_READ: 200).
    draft_read = {**ALL_READ, "analyst": 404, "coordinator_other": 404}
    if method == "get":
        return None, draft_read if detail and action is None else ALL_READ
    if not detail:  # create a draft for the "here" fieldlab
        return create_body(world, "funding-records"), writes(201, coordinator_here=201, coordinator_other=403)
    if action in ("approve", "return"):
        # The submitted record is visible to all; only the bureau may decide on it.
        return {"comment": "Please attach the evidence."}, writes(200)
    ok = {"put": 200, "patch": 200, "delete": 204, "post": 200}[method]  # post = submit
    body = {"put": "PUT", "patch": patch_body("funding-records")}.get(method)
    return body, writes(ok, coordinator_here=ok, coordinator_other=404)


def _expected_evaluation(path: str, method: str, allowed: set[str]):
    """The evaluation's tables and runs: every role reads them; the bureau alone starts a run; nothing else writes.

    A detail is asked for with a key that does not exist (run 999999, activity type "no-such-thing"): 404 for every
    role that may read. POST runs/ creates the run and queues its work on commit (which the test's rolled-back
    savepoint never reaches): the bureau gets 201 Created with the run, as the schema documents. Coordinators may
    write only where a view allows it, and no evaluation view does: 403, like analysts and read-only tokens. A
    method an endpoint lacks is 405, but only for the bureau, who passes the role check.
    """
    url = re.sub(r"\{(id|pk)\}", "999999", path)
    url = re.sub(r"\{\w+\}", "no-such-thing", url)
    if method == "get":
        read = 200 if method in allowed else 405
        return url, None, {"anonymous": 401, **dict.fromkeys(ROLES[1:], 404 if "{" in path and read == 200 else read)}
    if method not in allowed:
        if path.startswith("/api/v1/evaluation/measurements/"):
            # Coordinators may write measurements (in the portal's hub report), so the role check lets them through
            # to the read-only endpoint, which has no such method.
            return url, None, writes(405, coordinator_here=405, coordinator_other=405)
        return url, None, writes(405)
    assert (path, method) == ("/api/v1/evaluation/runs/", "post"), f"the matrix does not know {method} {path}"
    return url, {}, writes(201)


def _expected_jobs(world, path: str, method: str, allowed: set[str]):
    """A job is its owner's and the bureau's: everyone else gets 404 (the job is not there for them). Read only."""
    job = Job.objects.create(kind="import_preview", owner=world.users["coordinator_here"])
    if path.endswith("/download/"):  # a finished export with its file: its owner and the bureau download it
        job = Job.objects.create(
            kind="export", status="done", owner=world.users["coordinator_here"], filename="funding-records.csv"
        )
        job.file.save("funding-records.csv", ContentFile(b"id\r\n"))
    url = path.replace("{id}", str(job.pk))
    if method != "get":
        assert method not in allowed, f"the matrix does not know {method} {path}"
        return url, None, writes(405)
    if "{id}" not in path:  # the list: every role reads its own jobs (the bureau all of them)
        return url, None, ALL_READ
    not_theirs = dict.fromkeys(("analyst", "viewer_here", "coordinator_other"), 404)
    return url, None, {"anonymous": 401, "read_only_token": 200, "coordinator_here": 200, "bureau": 200, **not_theirs}


def _request(world, role, method, url, body):
    client = world.client(role)
    if body == "PUT":  # a full replacement: what the bureau reads, sent back with one change
        body = world.client("bureau").get(url).json()
        body.update({"description": "Replaced."} if "description" in body else {"name": "Replaced"})
        if "amount" in body:
            body["amount"] = "1700.00"
    return getattr(client, method)(url, body, format="json") if body is not None else getattr(client, method)(url)


def test_the_schema_has_the_endpoints_the_matrix_knows():
    paths = set(schema_operations())
    for resource in (*REGISTRY, "funding-records", "reporting-periods"):
        assert f"/api/v1/{resource}/" in paths
    assert "/api/v1/funding-records/{id}/submit/" in paths
    assert "/api/v1/funding-records/360giving/" in paths


@pytest.mark.parametrize("path", sorted(schema_operations()))
def test_permission_matrix(world, path):
    allowed = schema_operations()[path]
    failures = []
    for method in METHODS:
        url, body, expectations = expected(world, path, method, allowed)
        for role in ROLES:
            with transaction.atomic():
                response = _request(world, role, method, url, body)
                transaction.set_rollback(True)
            got, want = response.status_code, expectations[role]
            if got != want:
                failures.append(f"{method.upper()} {url} as {role}: {got}, expected {want}")
            if got >= 400 and not getattr(response, "streaming", False):
                body_json = response.json()
                assert set(body_json) == {"status", "code", "detail", "errors"}, (url, role, body_json)
                assert body_json["status"] == got
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("url", ["/api/v1/schema/", "/api/v1/docs/"])
def test_schema_and_docs_are_public(world, url):
    for role in ROLES:
        assert world.client(role).get(url).status_code == 200, role
