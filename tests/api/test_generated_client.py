"""A client generated from the live schema by openapi-python-client (a tool nobody here wrote) works unmodified:
generation gives no warning, every list endpoint answers, every evaluation table parses into typed rows, and a run
is started and read back."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from accounts.services import api_token_create
from tests import factories
from tests.reference import reference_data_install

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
TABLES = (
    "evaluation_funding_totals_list",
    "evaluation_funding_cumulative_list",
    "evaluation_leverage_list",
    "evaluation_activity_types_list",
    "evaluation_effectiveness_list",
    "evaluation_companies_reached_list",
    "evaluation_cost_per_output_list",
    "evaluation_regional_cost_per_output_list",
    "evaluation_recommendations_list",
)


@pytest.fixture
def generated(live_server, tmp_path):
    schema = httpx.get(f"{live_server.url}/api/v1/schema/", params={"format": "json", "lang": "en"})
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_bytes(schema.content)
    # No post hooks (the generator would run ruff from PATH); names fixed so the import below is stable.
    (tmp_path / "config.yaml").write_text("post_hooks: []\npackage_name_override: si_client\n")
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "si_client"),
            "--config",
            str(tmp_path / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower(), output  # an unsupported construct is reported as a warning
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("si_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "si_client" or m.startswith("si_client.")]:
            del sys.modules[name]


@pytest.fixture
def client(generated, live_server):
    reference_data_install()
    _token, key = api_token_create(user=factories.BureauUserFactory(username="generated-client"))
    return generated.AuthenticatedClient(
        base_url=live_server.url, token=key, prefix="Token", raise_on_unexpected_status=True, timeout=60
    )


def operation_modules(generated):
    api = importlib.import_module("si_client.api")
    for group in pkgutil.iter_modules(api.__path__):
        package = importlib.import_module(f"si_client.api.{group.name}")
        for module in pkgutil.iter_modules(package.__path__):
            yield module.name, importlib.import_module(f"si_client.api.{group.name}.{module.name}")


def test_the_generated_client_lists_every_list_reads_every_table_and_runs(generated, client):
    error_model = importlib.import_module("si_client.models.error").Error
    modules = dict(operation_modules(generated))
    lists = {name: module for name, module in modules.items() if name.endswith("_list")}
    assert len(lists) >= 25 and set(TABLES) <= set(lists)

    for name, module in sorted(lists.items()):
        parsed = module.sync(client=client)
        assert parsed is not None and not isinstance(parsed, error_model), name
        if name in TABLES:
            # A typed table: a list of generated row models, each carrying the fields the JSON held.
            assert isinstance(parsed, list) and parsed, name
            assert all(
                hasattr(row, "to_dict") and type(row).__module__.startswith("si_client.models") for row in parsed
            )
        else:
            assert hasattr(parsed, "results"), name  # a paginated list envelope

    run_create_request = importlib.import_module("si_client.models.run_create_request").RunCreateRequest
    run = modules["evaluation_runs_create"].sync(client=client, body=run_create_request(year_min=2015, year_max=2019))
    assert not isinstance(run, error_model) and run.id
    read = modules["evaluation_runs_retrieve"].sync(client=client, id=run.id)
    assert read.id == run.id and read.status.value in ("pending", "running", "done")
