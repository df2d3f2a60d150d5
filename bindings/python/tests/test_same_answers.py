"""The shared table every face of imza must answer alike (test-vectors/sample/same-answers.json;
the Rust API, the C ABI and `imza verify --json` are checked by ffi/tests/same_answers.rs)."""

import json
from pathlib import Path

import pytest

import imza

ROOT = Path(__file__).resolve().parents[3]
TABLE = json.loads((ROOT / "test-vectors" / "sample" / "same-answers.json").read_text())["cases"]


@pytest.mark.parametrize("case", TABLE, ids=[c["name"] for c in TABLE])
def test_the_python_package_gives_the_table_answer(case):
    report = imza.verify(
        ROOT / case["signature"],
        detached=None if case["detached"] is None else ROOT / case["detached"],
        trust=[ROOT / p for p in case["trust"]],
        crls=[(ROOT / p).read_bytes() for p in case["crls"]],
        at=case["at"],
    )
    assert (report["indication"], report["sub_indication"]) == (
        case["indication"],
        case["sub_indication"],
    )
