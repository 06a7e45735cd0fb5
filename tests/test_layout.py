"""The package layout follows the data flow, and the layering in docs/ARCHITECTURE.md holds.

Imports are read with ``ast`` (nothing is imported to check them). An import under
``if TYPE_CHECKING:`` is for type hints only and is not held to the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ikqa

PACKAGE = Path(ikqa.__file__).parent
ARCHITECTURE = Path(__file__).parents[1] / "docs" / "ARCHITECTURE.md"

BASE = {"config", "errors", "types", "_offline"}
# unit -> the units it may import at run time (a unit is a top-level module or a subpackage).
ALLOWED: dict[str, set[str]] = {
    "_offline": set(),
    "config": {"errors"},
    "errors": set(),
    "types": set(),
    "feedback": BASE,
    "indexing": BASE | {"indexing"},
    "llm": BASE | {"llm"},
    "answering": BASE | {"indexing", "answering", "llm"},
    "chat": BASE | {"indexing", "answering", "llm"},
    "assistant": BASE | {"indexing", "answering", "chat", "feedback", "llm"},
    "ui": BASE | {"assistant", "chat", "feedback", "ui"},
    "evaluation": BASE | {"indexing", "answering", "assistant", "chat", "evaluation", "llm"},
}
ANYTHING = {"__init__", "__main__", "cli"}  # the entry points wire everything together


def _unit(module: str) -> str:
    """``ikqa.indexing.store`` -> ``indexing``; ``ikqa.cli`` -> ``cli``; ``ikqa`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def runtime_imports(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, imported ikqa module) for every import outside ``if TYPE_CHECKING:``."""
    found: list[tuple[int, str]] = []
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                if target == "ikqa" or target.startswith("ikqa."):
                    if target.count(".") == 0:  # from ikqa import x: x may be a module
                        found.extend([(child.lineno, f"ikqa.{a.name}") for a in child.names
                                      if (PACKAGE / f"{a.name}.py").exists()
                                      or (PACKAGE / a.name).is_dir()] or [(child.lineno, target)])
                    else:
                        found.append((child.lineno, target))
            elif isinstance(child, ast.Import):
                found.extend((child.lineno, a.name) for a in child.names
                             if a.name == "ikqa" or a.name.startswith("ikqa."))
            visit(child)

    visit(ast.parse(source))
    return found


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    unit = _unit(module)
    if unit in ANYTHING:
        return []
    allowed = ALLOWED.get(unit)
    if allowed is None:
        return [f"{module}: unit {unit!r} has no layering rule (add it to ARCHITECTURE.md)"]
    return [f"{module}:{line} imports {target} ({_unit(target)} is not allowed in {unit})"
            for line, target in runtime_imports(source, module, is_package)
            if target != "ikqa" and _unit(target) not in allowed]


def _package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_module_imports_against_the_layering_rule():
    problems = []
    for path in _package_files():
        problems += violations(path.read_text(encoding="utf-8"), _module_name(path),
                               path.name == "__init__.py")
    assert not problems, "\n".join(problems)


def test_the_layering_check_names_an_import_that_breaks_the_rule():
    source = "from ..ui.render import answer_html\n"
    assert violations(source, "ikqa.indexing.store") == [
        "ikqa.indexing.store:1 imports ikqa.ui.render (ui is not allowed in indexing)"]
    lazy = "def f():\n    from ..evaluation.run import run_evaluation\n"
    assert violations(lazy, "ikqa.answering.compose")[0].startswith(
        "ikqa.answering.compose:2 imports ikqa.evaluation.run")


def test_imports_for_type_hints_only_are_exempt():
    source = ("from typing import TYPE_CHECKING\n"
              "if TYPE_CHECKING:\n    from ..assistant import Assistant\n")
    assert violations(source, "ikqa.indexing.library") == []


def test_no_runtime_import_cycle_between_units():
    graph: dict[str, set[str]] = {}
    for path in _package_files():
        module = _module_name(path)
        unit = _unit(module)
        if unit in ANYTHING:
            continue
        for _, target in runtime_imports(path.read_text(encoding="utf-8"), module,
                                         path.name == "__init__.py"):
            if _unit(target) != unit and target != "ikqa":
                graph.setdefault(unit, set()).add(_unit(target))

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    cycles = [unit for unit in graph if reaches(unit, unit, {unit})]
    assert not cycles, f"import cycles through {cycles}: {graph}"


def test_top_level_is_small_and_subpackages_follow_the_data_flow():
    top = sorted(p.stem for p in PACKAGE.glob("*.py"))
    subpackages = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists())
    assert len(top) <= 14, top
    assert {"indexing", "answering", "ui", "evaluation"} <= set(subpackages)
    assert not list(PACKAGE.rglob("generation.py"))
    for name in subpackages:
        doc = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
        assert doc and "May import" in doc, f"ikqa.{name} needs a docstring with its import rule"
        assert name in ALLOWED


def test_architecture_doc_names_every_subpackage_and_module():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 130
    for path in _package_files():
        if path.name != "__init__.py":
            assert path.name in text, f"docs/ARCHITECTURE.md does not mention {path.name}"


def test_public_api_is_pinned():
    assert sorted(ikqa.__all__) == sorted([
        "ask", "Assistant", "Answer", "Citation", "Settings", "IkqaError", "EmptyQuestionError",
        "SourcesError", "IndexMissingError", "IndexCorruptError", "SourceRejectedError",
        "DuplicateSourceError", "SourceNotFoundError", "__version__"])
    for name in ikqa.__all__:
        assert hasattr(ikqa, name), name


@pytest.mark.parametrize("unit", sorted(ALLOWED))
def test_every_unit_in_the_rule_exists(unit):
    assert (PACKAGE / f"{unit}.py").exists() or (PACKAGE / unit / "__init__.py").exists()
