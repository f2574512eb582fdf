"""Features depend one way: a module imports only from its own layer or the layers below.

LAYERS is the order of the packages under tracker/, lowest first, each with the reason it
sits there. The test reads every module with `ast` (imports at module level and inside
functions alike) and names each import that reaches up.
"""
from __future__ import annotations

import ast
from pathlib import Path

TRACKER = Path(__file__).resolve().parent.parent / "tracker"

#: (names, why the layer sits here); a name is a package under tracker/, a module
#: tracker/<name>.py or a module of a package (package.module, which then has its own
#: place); the names of one layer may import each other
LAYERS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("config", "clock", "db", "extensions", "i18n", "catalogues", "vocab", "dates", "months",
      "errors", "web", "forms", "record_pages", "periods", "navigation", "statements", "kept_counts", "formkeep", "records", "assets", "access", "permissions",
      "panels",
      "history", "security"),
     "core: settings, the database, requests, forms, the write path with its history, the "
     "guards and the permission predicates every feature builds on"),
    (("people",), "everyone else records something about a person"),
    (("auth", "accounts"), "an account signs a person in"),
    (("projects",), "an audit project has a team of people"),
    (("branches",), "a temporary branch serves projects"),
    (("dispatches",), "a dispatch sends a person to a project, and may found a branch"),
    (("review",), "the one workflow of the records above it"),
    (("due.rules",), "the one due-state function and the due dates: pure, shared by the "
     "sessions' rules and the due engine"),
    (("study", "talks"), "the records: sessions of a branch, talks about a dispatch"),
    (("due",), "what is due is computed from dispatches, talks and checkpoints"),
    (("points", "members", "selfsign"),
     "built from records and due items: points cards, a member's pages, signing in to a "
     "session"),
    (("dashboard", "ledger", "calendar"), "reports over everything below"),
    (("todo",), "the to-do box lists what the dashboard counts"),
    (("__init__", "cli", "home", "demo", "health"),
     "the app: the factory, commands, the home page and demo data, which wire every feature"),
)

#: who may read what is one module (tracker/access.py): each rule is a query over a
#: feature's table, so access.py may read the features' models (the schema) and nothing else
#: of theirs
SCHEMA_READERS = {"tracker.access"}


PLACES = {name: rank for rank, (names, _why) in enumerate(LAYERS) for name in names}


def place(module: str) -> str:
    """The name in LAYERS that a module (tracker.a.b…) falls under."""
    parts = module.split(".")[1:]
    return ".".join(parts[:2]) if ".".join(parts[:2]) in PLACES else parts[0]


def is_module(dotted: str) -> bool:
    path = TRACKER.parent.joinpath(*dotted.split("."))
    return path.is_dir() or path.with_suffix(".py").exists()


def layer_of(name: str) -> int:
    if name not in PLACES:
        raise AssertionError(f"tracker/{name} has no place in LAYERS: add it there")
    return PLACES[name]


def modules():
    for path in sorted(TRACKER.rglob("*.py")):
        parts = path.relative_to(TRACKER.parent).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 2:
            parts = parts[:-1]
        module = ".".join(parts)
        yield path, module, place(module)


def imported(tree: ast.Module, module: str, is_package: bool):
    """(line, imported module) for each import of a tracker module, relative ones resolved."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".")[: None if is_package else -1]
                here = here[: len(here) - node.level + 1]
                base = ".".join(here + ([base] if base else []))
            yield node.lineno, base
            for alias in node.names:  # from tracker import study → tracker.study
                yield node.lineno, f"{base}.{alias.name}"


def violations() -> list[str]:
    found = {}
    for path, module, name in modules():
        rank = layer_of(name)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, target in imported(tree, module, path.name == "__init__.py"):
            parts = target.split(".")
            if parts[0] != "tracker" or len(parts) < 2:
                continue
            if not is_module(".".join(parts[:2])):
                continue  # a name from tracker/__init__.py: the app factory
            other = place(target)
            if other == name or layer_of(other) <= rank:
                continue
            if module in SCHEMA_READERS and parts[2:3] == ["models"]:
                continue
            # one line per import statement, naming the deepest module it reaches
            key = (str(path.relative_to(TRACKER.parent)), line)
            if is_module(target) and len(target) > len(found.get(key, ("", ""))[0]):
                found[key] = (target, f"{module} imports {target} ({other} sits above {name})")
    return [f"{where}:{line}: {message}" for (where, line), (_target, message) in sorted(found.items())]


def test_every_package_has_a_place_in_the_order():
    for _path, _module, package in modules():
        layer_of(package)


def test_features_import_only_the_layers_below_them():
    found = violations()
    assert not found, "imports that reach up the layers:\n" + "\n".join(found)


def test_the_check_sees_imports_inside_functions(tmp_path):
    tree = ast.parse("def f():\n    from tracker.dashboard import views\n")
    assert list(imported(tree, "tracker.people.views", False))[0] == (2, "tracker.dashboard")


#: which branch serves which project is the branches' own table: the features above ask
#: tracker.branches.queries, and access.py (a schema reader) builds its rules on it
LINK_TABLE = "branch_project"
LINK_TABLE_READERS = ("tracker.branches", "tracker.access")


def names_in(tree: ast.Module) -> set[str]:
    """Every name a module uses or imports, whatever the way."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.add(node.name.rsplit(".", 1)[-1])
    return found


def test_only_the_branches_query_the_branch_project_link():
    readers = [
        module for path, module, _name in modules()
        if LINK_TABLE in names_in(ast.parse(path.read_text(encoding="utf-8")))
        and not module.startswith(LINK_TABLE_READERS)
    ]
    assert not readers, f"ask tracker.branches.queries instead of naming {LINK_TABLE} in: {readers}"


def test_the_link_check_sees_a_name():
    assert LINK_TABLE in names_in(ast.parse("from tracker.branches.models import branch_project"))
    assert LINK_TABLE in names_in(ast.parse("models.branch_project.c.project_id"))
    assert LINK_TABLE not in names_in(ast.parse("f(branch_project_ids=[1])"))


def imports_inside_functions(tree: ast.Module, module: str, is_package: bool) -> list[tuple[int, str]]:
    """(line, module) of each tracker import made inside a function."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = ast.Module(body=node.body, type_ignores=[])
            found += [(line, target) for line, target in imported(body, module, is_package)
                      if target.split(".")[0] == "tracker"]
    return found


def test_tracker_modules_are_imported_at_module_level():
    # the layers leave no cycle to break, so an import inside a function only hides a dependency
    found = [
        f"{path.relative_to(TRACKER.parent)}:{line}: {target}"
        for path, module, _name in modules()
        for line, target in imports_inside_functions(
            ast.parse(path.read_text(encoding="utf-8")), module, path.name == "__init__.py")
    ]
    assert not found, "imports inside functions:\n" + "\n".join(found)


def test_the_check_sees_a_relative_import_inside_a_function():
    tree = ast.parse("def f():\n    from . import rules\n")
    assert imports_inside_functions(tree, "tracker.due.views", False) == [(2, "tracker.due"),
                                                                          (2, "tracker.due.rules")]
