"""The core's folders are layers: a module imports only from its own layer and those below.

Read from the source (ast), so a new import that crosses a layer fails here with the file
and the line, before it becomes a cycle or a read side that writes.
"""

from __future__ import annotations

import ast

from centrale.config import REPO_ROOT

CORE = REPO_ROOT / "centrale"

# layer -> the layers it may import (besides itself). "base" is the vocabulary every layer
# shares (config, errors, fmt, names, domain, periods, locks…): it imports no layer.
# "semantic" declares the facts, measures, dimensions and the status SQL every layer uses,
# and compiles an Explorer question: it sits right above the vocabulary.
ALLOWED = {
    "base": set(),
    "semantic": {"base"},
    "access": {"base"},
    "sources": {"base", "semantic"},
    "storage": {"base", "sources", "semantic"},
    "datasets": {"base", "sources", "storage", "semantic"},
    "render": {"base", "sources", "datasets", "semantic"},
    "intake": {"base", "sources", "storage", "render", "semantic"},
}


def _layer(dotted: str) -> str:
    parts = dotted.split(".")
    if len(parts) >= 2 and (CORE / parts[1]).is_dir():
        return parts[1]
    return "base"


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("centrale"):
            if node.module == "centrale":
                for alias in node.names:
                    yield node.lineno, f"centrale.{alias.name}"
            else:
                yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("centrale."):
                    yield node.lineno, alias.name


def test_every_folder_of_the_core_is_a_declared_layer():
    folders = {p.name for p in CORE.iterdir() if p.is_dir() and not p.name.startswith("__")}
    assert folders == set(ALLOWED) - {"base"}


def test_no_module_imports_a_layer_above_its_own():
    crossings = []
    for path in sorted(CORE.rglob("*.py")):
        rel = path.relative_to(REPO_ROOT)
        own = _layer(".".join(rel.with_suffix("").parts))
        for line, target in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            other = _layer(target)
            if other != own and other not in ALLOWED[own]:
                crossings.append(f"{rel}:{line} ({own}) importe {target} ({other})")
    assert not crossings, "\n".join(crossings)


def test_the_read_side_never_writes_files():
    """sources/ reads the sources folder; writing it is intake's job (the commit point)."""
    writers = (
        "write_text",
        "write_bytes",
        "os.replace",
        "shutil.",
        "atomic_write",
        ".unlink(",
        "mkdir(",
    )
    found = []
    for path in sorted((CORE / "sources").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {w}" for w in writers if w in text]
    assert not found, found


def test_the_core_never_imports_streamlit():
    found = []
    for path in sorted(CORE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            found += [
                f"{path.relative_to(REPO_ROOT)}:{node.lineno}"
                for n in names
                if n.split(".")[0] == "streamlit"
            ]
    assert not found, found


def test_no_module_imports_another_modules_private_name():
    """A name with a leading underscore is its module's own business: shared, it gets a
    public name (and a docstring saying what it promises)."""
    found = []
    for folder in ("centrale", "ui", "pages", "etl", "reports"):
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.module != "__future__":
                    private = [a.name for a in node.names if a.name.startswith("_")]
                    if private and node.module.split(".")[0] in ("centrale", "ui", "reports"):
                        found.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno} {private}")
    assert not found, found
