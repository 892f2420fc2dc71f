"""docs/rules.md says where each rule lives: every row names a function that exists and a test
that exists, so the table cannot drift from the code."""

import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROW = re.compile(r"^\|(?P<rule>[^|]+)\|(?P<function>[^|]*)\|(?P<test>[^|]*)\|(?P<stream>[^|]*)\|$")


def rows() -> list[dict]:
    found = []
    for line in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line.strip())
        if not match or set(match["rule"].strip()) <= {"-"} or match["rule"].strip() == "rule":
            continue
        found.append({k: v.strip().strip("`") for k, v in match.groupdict().items()})
    return found


def test_the_table_lists_the_rules():
    assert len(rows()) >= 30


@pytest.mark.parametrize("row", rows(), ids=lambda r: r["rule"][:60])
def test_each_rule_has_its_function_and_its_test(row):
    assert row["test"], f"the rule “{row['rule']}” has no test"
    module_path, _, name = row["function"].rpartition(".")
    target = None
    while module_path and target is None:
        try:
            target = importlib.import_module(module_path)
        except ModuleNotFoundError:
            module_path, _, outer = module_path.rpartition(".")
            name = f"{outer}.{name}"
    assert target is not None, f"no module for {row['function']}"
    for part in name.split("."):
        target = getattr(target, part)
    assert callable(target)
    path, _, test = row["test"].partition("::")
    source = (ROOT / path).read_text(encoding="utf-8")
    if test:
        assert re.search(rf"^def {re.escape(test)}\(", source, re.M), row["test"]
    if row["stream"] != "every stream":
        assert (ROOT / row["stream"]).exists(), row["stream"]
