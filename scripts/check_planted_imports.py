"""Proof that the import contracts have teeth: each import issue #17 planted makes `lint-imports` fail.

For every planted import below, the script copies the first-party packages and pyproject.toml into a temporary
directory, appends the import to the named module there, runs `lint-imports` in that copy and checks that it fails
and names the contract the import breaks. It first runs `lint-imports` on an unchanged copy, which must pass. The
working tree is never touched, so an interrupted run leaves nothing behind.

`make lint` is ruff and then `lint-imports`; ruff would not catch these imports (they are well-formed Python), so
`lint-imports` failing is `make lint` failing.

    python scripts/check_planted_imports.py          # exits 1 if a planted import passes, or the clean copy fails

The issue named `smartindustry.portal` and `smartindustry.api.views`: the base portal and API views have since moved
to `core.views` and `core.api.views`. So each is planted as the issue wrote it, as the roof's module that exists
(`smartindustry.views`) and as the core module that replaced it (which a selector, the policy or an exporter may not
import either).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


@dataclass(frozen=True)
class Plant:
    # Candidate files, the first that exists is used (a module that was renamed keeps its plant).
    files: tuple[str, ...]
    statement: str
    # Ids of contracts the import must break (pyproject.toml, [[tool.importlinter.contracts]] id); a chain through
    # the planted module may break others too.
    breaks: tuple[str, ...]


UP = "apps"  # an app imports an app above it
TO_INTERFACE = "no-upward-to-interfaces"  # code below the interfaces imports an interface
ACROSS = "independent-interfaces"  # an interface imports another app's interface

PLANTS = (
    # funding/selectors.py → the portal's views: a selector may import no interface, the roof's or core's.
    # `smartindustry.portal` is gone; grimp records an import of a missing module as one of its package.
    Plant(("funding/selectors.py",), "import smartindustry.portal", (UP,)),
    Plant(("funding/selectors.py",), "import smartindustry.views", (UP, TO_INTERFACE)),
    Plant(("funding/selectors.py",), "import core.views", (TO_INTERFACE,)),
    # accounts/policy.py → the portal's views: the policy sits below every interface and below the roof.
    Plant(("accounts/policy.py",), "import smartindustry.portal", (UP,)),
    Plant(("accounts/policy.py",), "import smartindustry.views", (UP, TO_INTERFACE)),
    Plant(("accounts/policy.py",), "import core.views", (TO_INTERFACE,)),
    # funding/exports.py → the API's views: an exporter is used by the API, it does not use it.
    Plant(("funding/exports.py", "funding/exporters.py"), "import smartindustry.api.views", (UP,)),
    Plant(("funding/exports.py", "funding/exporters.py"), "import core.api.views", (TO_INTERFACE,)),
    # funding/api/views.py → reporting's views: an upper app, and another app's interface.
    Plant(("funding/api/views.py",), "import reporting.views", (UP, ACROSS)),
    # funding/tasks.py → evaluation's views (the job work may move to funding/jobs.py: the same rule holds there).
    Plant(("funding/tasks.py", "funding/jobs.py"), "import evaluation.views", (UP, ACROSS)),
)


def config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def contract_names() -> dict[str, str]:
    return {contract["id"]: contract["name"] for contract in config()["contracts"]}


def copy_tree(target: Path) -> None:
    """The first-party packages and the configuration: all that lint-imports reads."""
    for package in config()["root_packages"]:
        shutil.copytree(ROOT / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    # lint-imports puts its working directory first on sys.path, so it reads the copy, not the installed project.
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True)


def broken_contracts(output: str, names: dict[str, str]) -> set[str]:
    """Ids of the contracts the summary reports as BROKEN (names may wrap over lines in the report)."""
    flat = " ".join(output.split())
    return {key for key, name in names.items() if f"{' '.join(name.split())} BROKEN" in flat}


def check(verbose: bool = True) -> list[str]:
    """Run every plant; return what went wrong (empty: every plant failed the lint, the clean copy passed)."""
    problems = []
    names = contract_names()
    with tempfile.TemporaryDirectory(prefix="planted-imports-") as tmp:
        clean = Path(tmp) / "clean"
        copy_tree(clean)
        result = lint_imports(clean)
        if result.returncode != 0:
            problems.append(f"lint-imports fails without any plant:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
        elif verbose:
            print("clean copy: lint-imports passes")
        for number, plant in enumerate(PLANTS, 1):
            tree = Path(tmp) / f"plant{number}"
            copy_tree(tree)
            target = next((tree / f for f in plant.files if (tree / f).exists()), None)
            if target is None:
                problems.append(f"none of {plant.files} exists: update the plant in {Path(__file__).name}")
                continue
            with target.open("a") as module:
                module.write(f"\n{plant.statement}  # planted by scripts/check_planted_imports.py\n")
            result = lint_imports(tree)
            where = f"{target.relative_to(tree)}: {plant.statement}"
            broken = broken_contracts(result.stdout, names)
            if result.returncode == 0:
                problems.append(f"{where} passes lint-imports")
            elif missing := set(plant.breaks) - broken:
                problems.append(f"{where} fails, but keeps {sorted(missing)} (broken: {sorted(broken)})")
            elif verbose:
                print(f"{where}: lint-imports fails; broken: {', '.join(sorted(broken))}")
    return problems


if __name__ == "__main__":
    found = check()
    for problem in found:
        print(f"PROBLEM: {problem}", file=sys.stderr)
    sys.exit(1 if found else 0)
