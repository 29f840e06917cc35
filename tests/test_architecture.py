"""The arrows of docs/architecture.md, checked inside `make test` as well as `make lint`.

One statement of the rules: the import-linter contracts in pyproject.toml. The suite runs them with the command
`make lint` runs (`lint-imports`) instead of restating the app order here, so a rule cannot be changed in one place
and forgotten in the other. Besides, grimp's raw module graph (the one import-linter checks) answers two questions the
contracts imply but do not state: is there a circle between the top-level packages, and does the roof import an
app module that imports it back. They are asked of the graph itself, so a contract that was weakened (an app left
out of the layers, an ignore too wide) cannot hide a circle. The only imports they skip are the ignores the "apps"
contract names, one by one.
"""

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
CONFIG = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}
PACKAGES = CONFIG["root_packages"]
ROOF = "smartindustry"
# Interface modules: what parses a request, a command line, a task's or job's ids, or renders a page.
INTERFACE_TAILS = {"admin", "api", "views", "templatetags", "management", "tasks", "jobs"}
# Interface modules left out of the independence contract on purpose, each with its reason.
NOT_INDEPENDENT = {
    "smartindustry.api": "the roof's API URLconf: it registers every app's viewsets",
}


@pytest.fixture(scope="module")
def graph():
    # No cache: the suite reads the tree as it is.
    return grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True, cache_dir=None)


def named_ignores(contract_id: str) -> set[tuple[str, str]]:
    return {
        tuple(part.strip() for part in line.split("->")) for line in CONTRACTS[contract_id].get("ignore_imports", [])
    }


def package_edges(graph, skip: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """(importing package, imported package) → one module import that makes the arrow."""
    edges = {}
    for importer in graph.modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            a, b = importer.split(".")[0], imported.split(".")[0]
            if a != b and (importer, imported) not in skip:
                edges.setdefault((a, b), (importer, imported))
    return edges


def find_cycle(nodes, edges) -> list[str] | None:
    """A circle in the directed graph, as a list of nodes (first == last), or None."""
    successors = {node: sorted(b for a, b in edges if a == node) for node in nodes}
    state = {}  # node → "open" while on the path, "done" once explored

    def visit(node, path):
        state[node] = "open"
        for nxt in successors[node]:
            if state.get(nxt) == "open":
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt, [*path, nxt])):
                return cycle
        state[node] = "done"
        return None

    for node in sorted(nodes):
        if node not in state and (cycle := visit(node, [node])):
            return cycle
    return None


def test_the_import_contracts_hold():
    """`make lint`'s lint-imports, run by the suite too: a broken arrow fails `make test` as well."""
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is a dev dependency (pyproject.toml)"
    result = subprocess.run([lint_imports, "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout


def test_the_apps_contract_orders_every_first_party_package():
    """Every package is in the app order, except devtools, which its own contract keeps out of reach."""
    assert set(CONTRACTS["apps"]["layers"]) == set(PACKAGES) - {"devtools"}
    assert CONTRACTS["apps"]["layers"][0] == ROOF and CONTRACTS["apps"]["layers"][-1] == "core"
    assert set(CONTRACTS["devtools"]["forbidden_modules"]) == {"devtools"}
    assert set(CONTRACTS["devtools"]["source_modules"]) == set(PACKAGES) - {"devtools"}


def test_no_circle_between_the_packages(graph):
    edges = package_edges(graph, skip=named_ignores("apps"))
    assert {a for a, _ in edges} | {b for _, b in edges} <= set(PACKAGES)
    cycle = find_cycle(PACKAGES, edges)
    assert cycle is None, (
        " → ".join(cycle) + ": " + "; ".join(" -> ".join(edges[pair]) for pair in zip(cycle, cycle[1:], strict=False))
    )


def test_the_circle_finder_finds_a_planted_circle(graph):
    """The check above can fail: one import from core up to the roof closes a circle through the whole graph."""
    graph.add_import(importer="core.models", imported="smartindustry.views")
    try:
        cycle = find_cycle(PACKAGES, package_edges(graph, skip=named_ignores("apps")))
    finally:
        graph.remove_import(importer="core.models", imported="smartindustry.views")
    assert cycle is not None and cycle[0] == cycle[-1] and {"core", ROOF} <= set(cycle)


def app_modules_importing_the_roof_back(graph) -> dict[str, tuple[str, ...]]:
    """The app modules the roof imports that import the roof themselves, directly or through others, with a chain."""
    roof_modules = {ROOF} | graph.find_descendants(ROOF)
    imported_from_apps = {
        imported
        for module in roof_modules
        for imported in graph.find_modules_directly_imported_by(module)
        if imported not in roof_modules
    }
    assert imported_from_apps, "the roof wires the apps together: it imports their views, selectors and models"
    reaching_the_roof = graph.find_downstream_modules(ROOF, as_package=True)
    return {
        module: graph.find_shortest_chain(importer=module, imported=ROOF, as_packages=True)
        for module in sorted(imported_from_apps & reaching_the_roof)
    }


def test_the_roof_imports_no_app_module_that_imports_it_back(graph):
    assert app_modules_importing_the_roof_back(graph) == {}


def test_an_app_module_that_imports_the_roof_back_is_found(graph):
    """The check above can fail: a selector the dashboard reads that imports the dashboard's module."""
    assert "funding.selectors" in graph.find_modules_directly_imported_by("smartindustry.views")
    graph.add_import(importer="funding.selectors", imported="smartindustry.search")
    try:
        found = app_modules_importing_the_roof_back(graph)
    finally:
        graph.remove_import(importer="funding.selectors", imported="smartindustry.search")
    # The planted module is named with its chain (modules that reach it, such as an API URLconf, are named too).
    assert found["funding.selectors"] == ("funding.selectors", "smartindustry.search")


def test_no_blanket_ignore_and_each_ignore_says_why():
    """Each ignore names one importing module and one imported module (no wildcard), under a comment."""
    for contract in CONFIG["contracts"]:
        for line in contract.get("ignore_imports", []):
            importer, imported = (part.strip() for part in line.split("->"))
            assert "*" not in importer and "*" not in imported, f"{contract['id']}: blanket ignore {line!r}"
    lines = PYPROJECT.read_text().splitlines()
    ignores = [i for i, line in enumerate(lines) if re.fullmatch(r'\s*"[\w.]+ -> [\w.]+",', line)]
    assert len(ignores) == sum(len(c.get("ignore_imports", [])) for c in CONFIG["contracts"])
    for i in ignores:
        above = i - 1
        while re.fullmatch(r'\s*"[\w.]+ -> [\w.]+",', lines[above]):
            above -= 1  # a group of ignores shares its comment
        assert lines[above].strip().startswith("#"), f"pyproject.toml line {i + 1}: an ignore without its reason"


def test_the_independent_interfaces_are_every_apps_interfaces(graph):
    """The independence contract lists modules by name; a new interface module must join it (or say why not)."""
    listed = set(CONTRACTS["independent-interfaces"]["modules"])
    interfaces = {
        f"{package}.{tail}"
        for package in PACKAGES
        if package not in {"core", "devtools"}  # core's are the base classes; nothing may import devtools
        for tail in INTERFACE_TAILS
        if f"{package}.{tail}" in graph.modules
    }
    assert listed == interfaces - set(NOT_INDEPENDENT)


@pytest.mark.slow
def test_each_planted_import_fails_the_lint():
    """scripts/check_planted_imports.py: issue #17's planted imports each fail lint-imports; the clean tree passes."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import check_planted_imports
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert check_planted_imports.check(verbose=False) == []
