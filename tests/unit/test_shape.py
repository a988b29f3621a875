"""The shape of the code that keeps it readable: no module over 600 lines, no import cycle, and the
domain names places of the app, never page files (import-linter keeps the layers, scripts/check.sh)."""

from __future__ import annotations

import re

import grimp

from tests.conftest import ROOT

MAX_LINES = 600


def _modules() -> dict[str, list[str]]:
    """Each module of crmstrategy and the modules of crmstrategy it imports (also inside functions)."""
    graph = grimp.build_graph("crmstrategy")
    return {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}


def cycles(imports: dict[str, list[str]]) -> list[list[str]]:
    """The import cycles (strongly connected components of more than one module, or a module that
    imports itself), each sorted (Tarjan's algorithm, iterative so deep chains cannot overflow)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in imports:
        if root in index:
            continue
        work = [(root, iter(imports.get(root, [])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(imports.get(child, []))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in imports.get(node, []):
                    found.append(sorted(component))
    return sorted(found)


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
    assert cycles({"a": ["a"], "b": []}) == [["a"]]
    assert cycles({"a": ["b"], "b": ["c"], "c": []}) == []


def test_no_import_cycle_in_the_package():
    assert cycles(_modules()) == []


def test_no_module_is_over_600_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "crmstrategy").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_domain_names_places_not_page_files():
    """Only the UI's PAGE_FILES knows the page scripts; the domain says Place.PLAN, not a file path."""
    named = {
        str(p.relative_to(ROOT))
        for p in (ROOT / "crmstrategy").rglob("*.py")
        if "ui" not in p.relative_to(ROOT / "crmstrategy").parts
        and re.search(r"app_pages/|pages/\w+\.py", p.read_text(encoding="utf-8"))
    }
    assert named == set()
