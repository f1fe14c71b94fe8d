"""The house's layout holds: no oversized module, and docs/architecture.md maps every module."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("customers", "subscriptions", "partnercenter", "api")
MAX_LINES = 300


def modules() -> set[str]:
    """Every Python module of the packages, but `__init__.py` files and migrations."""
    return {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if path.name != "__init__.py" and "migrations" not in path.parts
    }


def may_be_long(module: str) -> bool:
    # The models stay whole; data tables may run as long as their data.
    return module.endswith(("/models.py", "_data.py")) or module == "subscriptions/catalog.py"


def test_no_module_is_over_300_lines():
    long = {
        module: lines
        for module in modules()
        if not may_be_long(module) and (lines := len((ROOT / module).read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_module_map_of_the_architecture_document_names_every_module_and_only_those():
    text = (ROOT / "docs" / "architecture.md").read_text()
    mapped = set()
    for row in re.findall(r"^\| (`[^|]+`) \|", text, re.M):
        mapped.update(re.findall(r"`([\w/]+\.py)`", row))
    assert mapped == modules()
