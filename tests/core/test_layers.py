"""The apps' layers, read from the code: no app imports one above it, and no module imports itself in a
circle (issue 14; docs/architecture.md). Imports inside functions count: a cycle hidden in a function is
still a cycle, and an import of a higher app inside a function still ties the lower one to it.

The order, lowest first (an app may import any app of a LOWER layer, none of its own layer or above):

0. core            uploads, PDF checks, dates, hooks, the registry of links (apps.core.links)
1. accounts        users, roles, second factor
2. rubric          versions as data, reference lists, the pure engine (knows nothing of people)
3. organisations, programmes   employers and their members; programme rosters
4. cases           the case, its moves, documents, sponsorships, how it reads (apps.cases.reading)
5. notifications, metrics      e-mails and reminders; the published figures
6. applicants, employers, reviewers, policy, statistics   the role apps: one per kind of user
7. demo            demo data over everything

Apps of one layer do not import each other. Only ``config`` (URLs, settings, Celery) imports the role
apps, and the registry of links (``apps.core.links.discover``) finds their ``links`` modules by name,
as Django's admin finds ``admin`` modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

APPS_DIR = Path(__file__).resolve().parents[2] / "apps"

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"core"}),
    frozenset({"accounts"}),
    frozenset({"rubric"}),
    frozenset({"organisations", "programmes"}),
    frozenset({"cases"}),
    frozenset({"notifications", "metrics"}),
    frozenset({"applicants", "employers", "reviewers", "policy", "statistics"}),
    frozenset({"demo"}),
)
LAYER_OF = {app: number for number, apps in enumerate(LAYERS) for app in apps}


def _modules(apps_dir: Path) -> dict[str, Path]:
    """Every module of the apps (migrations left out: they name apps by label, not by import)."""
    modules = {}
    for path in sorted(apps_dir.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(apps_dir.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if len(parts) > 1:  # apps/__init__.py is no app's
            modules[".".join(parts)] = path
    return modules


def _imported_names(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """Each absolute name ``module`` imports (``from a.b import c`` gives ``a.b.c``), with its line;
    relative imports are resolved. Every import in the file counts, at any depth."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno


def _resolve(name: str, modules: dict[str, Path]) -> str | None:
    """The module a name is in (``apps.x.y.func`` -> ``apps.x.y``), None outside the apps."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def import_graph(apps_dir: Path = APPS_DIR) -> dict[str, dict[str, int]]:
    """module -> {module it imports: first line}, for the modules of the apps."""
    modules = _modules(apps_dir)
    graph: dict[str, dict[str, int]] = {module: {} for module in modules}
    for module, path in modules.items():
        for name, line in _imported_names(module, path):
            target = _resolve(name, modules)
            if target is not None and target != module:
                graph[module].setdefault(target, line)
    return graph


def _app(module: str) -> str:
    return module.split(".")[1]


def upward_imports(graph: dict[str, dict[str, int]]) -> list[str]:
    problems = []
    for module, targets in graph.items():
        source = _app(module)
        for target, line in targets.items():
            destination = _app(target)
            if destination == source:
                continue
            if source not in LAYER_OF or destination not in LAYER_OF:
                problems.append(f"{module}:{line} -> {target}: an app with no layer (add it to LAYERS)")
            elif LAYER_OF[destination] >= LAYER_OF[source]:
                problems.append(
                    f"{module}:{line} imports {target} "
                    f"(layer {LAYER_OF[source]} {source} -> layer {LAYER_OF[destination]} {destination})"
                )
    return problems


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph.get(child, {}))))
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
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_every_app_has_a_layer() -> None:
    apps = {path.name for path in APPS_DIR.iterdir() if (path / "apps.py").exists()}
    assert apps == set(LAYER_OF)


def test_no_app_imports_one_above_it_or_beside_it() -> None:
    assert upward_imports(import_graph()) == []


def test_no_import_cycles() -> None:
    assert cycles(import_graph()) == []


def private_imports(apps_dir: Path = APPS_DIR) -> list[str]:
    """``from apps.<other app>... import _name``: another app's private helper, used as if public."""
    found = []
    for module, path in _modules(apps_dir).items():
        for name, line in _imported_names(module, path):
            if (
                name.startswith("apps.")
                and _app(name) != _app(module)
                and name.rpartition(".")[2].startswith("_")
            ):
                found.append(f"{module}:{line} imports {name}")
    return found


def test_no_app_uses_another_apps_private_names() -> None:
    assert private_imports() == []


# --- the checks themselves catch what they are for ------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    apps = tmp_path / "apps"
    for app in ("core", "cases", "applicants"):
        (apps / app).mkdir(parents=True)
        (apps / app / "__init__.py").write_text("")
    return apps


def test_an_import_upwards_inside_a_function_is_found(tree: Path) -> None:
    (tree / "core" / "texts.py").write_text("def f():\n    from apps.cases.models import Case\n")
    (tree / "cases" / "models.py").write_text("from apps.core import texts\n")
    assert upward_imports(import_graph(tree)) == [
        "apps.core.texts:2 imports apps.cases.models (layer 0 core -> layer 4 cases)"
    ]


def test_a_role_app_imported_by_another_role_app_is_found(tree: Path) -> None:
    (tree / "applicants" / "views.py").write_text("import apps.applicants\n")
    (tree / "core" / "x.py").write_text("")
    (tree / "cases" / "y.py").write_text("from apps.core.x import name\n")
    assert upward_imports(import_graph(tree)) == []
    (tree / "cases" / "z.py").write_text("from apps.cases import y\n")
    (tree / "cases" / "w.py").write_text("from ..applicants import views\n")
    assert upward_imports(import_graph(tree)) == [
        "apps.cases.w:1 imports apps.applicants.views (layer 4 cases -> layer 6 applicants)"
    ]


def test_a_private_name_of_another_app_is_found(tree: Path) -> None:
    (tree / "cases" / "rows.py").write_text("def _cell(): ...\n")
    (tree / "applicants" / "forms.py").write_text("from apps.cases.rows import _cell\n")
    (tree / "cases" / "more.py").write_text("from apps.cases.rows import _cell\n")  # its own app's: fine
    assert private_imports(tree) == ["apps.applicants.forms:1 imports apps.cases.rows._cell"]


def test_a_cycle_hidden_in_a_function_is_found(tree: Path) -> None:
    (tree / "cases" / "a.py").write_text("from apps.cases.b import g\n")
    (tree / "cases" / "b.py").write_text("def g():\n    from . import c\n")
    (tree / "cases" / "c.py").write_text("import apps.cases.a\n")
    assert cycles(import_graph(tree)) == [["apps.cases.a", "apps.cases.b", "apps.cases.c"]]
