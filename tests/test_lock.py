"""The committed lock (.ci/constraints.txt) pins every dependency pyproject.toml names, each
within its range: when pyproject changes without `make lock`, this fails."""

from __future__ import annotations

import re
import tomllib

from packaging.requirements import Requirement
from packaging.version import Version

from tests.conftest import REPO


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / ".ci" / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line!r}"
            pins[_norm(name)] = version.strip()
    return pins


def test_the_lock_pins_every_dependency_within_its_range() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]
    pins = _pins()
    missing = [r.name for r in wanted if _norm(r.name) not in pins]
    assert not missing, f"not in .ci/constraints.txt (run `make lock`): {missing}"
    outside = [
        f"{r} (locked {pins[_norm(r.name)]})"
        for r in wanted
        if not r.specifier.contains(Version(pins[_norm(r.name)]), prereleases=True)
    ]
    assert not outside, f"locked outside pyproject.toml's range (run `make lock`): {outside}"
    assert pins["torch"] == "2.13.0"  # the local CPU wheel, never a CUDA build


def test_the_environment_matches_the_lock() -> None:
    from importlib.metadata import PackageNotFoundError, version

    pins = _pins()
    drift = []
    for name in ("gradio", "fastapi", "sentence-transformers", "faiss-cpu", "uvicorn", "bm25s"):
        try:
            installed = version(name)
        except PackageNotFoundError:
            drift.append(f"{name} not installed")
            continue
        if installed != pins[name]:
            drift.append(f"{name} {installed} != locked {pins[name]}")
    assert not drift, f"the environment is out of step with the lock (run make setup): {drift}"
