"""`make run` on a fresh clone prints no setuptools banner: every editable install in the Makefile
runs with a warning filter that matches the banner setuptools emits, and only that one."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

# What setuptools' editable_wheel emits at the end of every editable install (its InformationOnly
# warning, a UserWarning): a summary line, then the boxed explanation.
BANNER = "Editable installation.\\n!!\\n\\n****\\nPlease be careful with folders in your working directory\\n!!"


def make_dry_run(target: str) -> list[str]:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    done = subprocess.run(["make", "-n", "-B", target], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("target", ["run", "test", "lock"])
def test_every_editable_install_filters_the_banner(target: str) -> None:
    installs = [line for line in make_dry_run(target) if re.search(r"pip install .*-e ", line)]
    assert installs, f"make {target} installs the project in editable mode"
    for line in installs:
        assert line.startswith('PYTHONWARNINGS="ignore:Editable installation" '), line


def warn(message: str, filters: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    if filters is not None:
        env["PYTHONWARNINGS"] = filters
    code = f"import warnings; warnings.warn({message!r}.replace('\\\\n', chr(10)), UserWarning)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60).stderr


def test_the_filter_silences_the_banner_and_nothing_else() -> None:
    assert "Editable installation" in warn(BANNER, None)  # shown without the filter
    assert warn(BANNER, "ignore:Editable installation") == ""
    assert "disk is full" in warn("The disk is full", "ignore:Editable installation")
