"""Shared fixtures of the Python tests. Run with the build's package on the
path, as scripts/test does:

    PYTHONPATH=build/bindings/python /usr/bin/python3 -m pytest -q tests/python
"""
import json
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
TESTDATA = ROOT / "tests" / "testdata"
EXAMPLES = ROOT / "examples"
AT = "2026-06-01T12:00:00Z"


@pytest.fixture(scope="session")
def allot_bin():
    """The allot command: $ALLOT_BIN, else next to the importable allot
    package's build (build-dir/cli/allot), else build/cli/allot under the
    repository root."""
    if os.environ.get("ALLOT_BIN"):
        command = pathlib.Path(os.environ["ALLOT_BIN"])
    else:
        import allot

        command = pathlib.Path(allot.__file__).resolve().parents[3] / "cli" / "allot"
        if not command.exists():
            command = ROOT / "build" / "cli" / "allot"
    assert command.exists(), f"no allot command at {command} (set ALLOT_BIN)"
    return command


@pytest.fixture(scope="session")
def campaigns_json():
    return EXAMPLES / "campaigns.json"


@pytest.fixture(scope="session")
def example_config(campaigns_json):
    import allot

    return allot.load(campaigns_json)


@pytest.fixture(scope="session")
def decision_suites():
    return json.loads((TESTDATA / "decision_cases.json").read_text())
