"""One rule for text reaching Markdown: every hole of an f-string given to st.markdown,
st.error, st.warning, st.info, st.success, st.caption or st.write (on `st`, a container,
the sidebar…) in pages/ and ui/ is `plain(...)`, or something that cannot hold markup:
a number/date formatter of `centrale.fmt`, `len`/`int`, a constant of the code, or a
choice between literals. Anything else (a file name, an exception, a problem summary,
a value read from a file) shown raw is what let `![x](https:…).csv` load an outside
image; this scan fails on it.
"""

from __future__ import annotations

import ast

import pytest

from centrale.config import REPO_ROOT

METHODS = {"markdown", "error", "warning", "info", "success", "caption", "write"}
# ex.link: the Explorer's address, percent-encoded by urlencode (no bracket nor parenthesis
# survives it), so it cannot break out of a Markdown link.
SAFE_CALLS = {"plain", "len", "int", "ex.link"}
# centrale.fmt's formatters of numbers and dates (their text is digits, spaces, €, %).
SAFE_FORMATTERS = {"number", "count", "money", "percent", "date", "long_date", "days"}


def _root_name(node: ast.AST) -> str:
    """The identifier an expression starts from or ends with (`auth.ROLE_LABELS[x]`)."""
    while isinstance(node, ast.Subscript | ast.Call):
        node = node.value if isinstance(node, ast.Subscript) else node.func
    if isinstance(node, ast.Attribute):
        # A method of a constant (TREND_ICONS.get) or a constant of a module.
        return node.attr if node.attr.isupper() else _root_name(node.value)
    return node.id if isinstance(node, ast.Name) else ""


def safe(node: ast.AST) -> bool:
    """Can this expression's text never be read as markup?"""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.IfExp):
        return safe(node.body) and safe(node.orelse)
    if isinstance(node, ast.Call):
        func = ast.unparse(node.func)
        if func in SAFE_CALLS or func.removeprefix("fmt.") in SAFE_FORMATTERS:
            return True
    if isinstance(node, ast.Name) and node.id.endswith("_md"):
        return True  # Markdown this code built: its own f-strings are scanned too
    name = _root_name(node)
    return bool(name) and name.replace("_", "").isupper()


def raw_holes(source: str) -> list[tuple[int, str]]:
    """(line, hole) of every f-string hole that reaches one of METHODS unescaped."""
    found = []
    for node in ast.walk(ast.parse(source)):
        # `x_md = f"…"` / `x_md += f"…"`: Markdown built ahead, under the same rule.
        targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
        if isinstance(node, ast.Assign | ast.AugAssign) and any(
            isinstance(t, ast.Name) and t.id.endswith("_md") for t in targets
        ):
            found += [
                (sub.value.lineno, ast.unparse(sub.value))
                for sub in ast.walk(node.value)
                if isinstance(sub, ast.FormattedValue) and not safe(sub.value)
            ]
            continue
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in METHODS
        ):
            continue
        for arg in [*node.args[:1], *(k.value for k in node.keywords if k.arg == "body")]:
            for sub in ast.walk(arg):
                if isinstance(sub, ast.FormattedValue) and not safe(sub.value):
                    found.append((sub.value.lineno, ast.unparse(sub.value)))
                elif (
                    isinstance(sub, ast.Call)
                    and isinstance(sub.func, ast.Name)
                    and sub.func.id == "str"
                    and sub is arg
                ):
                    found.append((sub.lineno, ast.unparse(sub)))  # st.error(str(exc))
    return found


def test_the_scan_catches_a_raw_file_name_and_lets_plain_through():
    assert raw_holes('st.error(f"Fichier « {name} » refusé")') == [(1, "name")]
    assert raw_holes("box.warning(str(exc))") == [(1, "str(exc)")]
    assert raw_holes('st.sidebar.caption(f"{summary_line(errors)}.")') != []
    assert raw_holes('st.error(f"Fichier « {plain(name)} » : {fmt.number(n)}")') == []
    assert raw_holes("st.info(f\"{len(x)} ligne{'s' if n > 1 else ''} {AWARD_DAYS}\")") == []
    assert raw_holes('a_md = f"**{name}**"\nst.markdown(a_md)') == [(1, "name")]
    assert raw_holes('a_md = f"**{plain(name)}**"\nst.markdown(f"- {a_md}")') == []
    assert raw_holes('st.caption(f"{fmt.file_part(name)}")') != []


@pytest.mark.parametrize(
    "path",
    sorted(
        str(p.relative_to(REPO_ROOT))
        for folder in ("pages", "ui")
        for p in (REPO_ROOT / folder).rglob("*.py")
    ),
)
def test_no_raw_text_reaches_markdown(path):
    holes = raw_holes((REPO_ROOT / path).read_text(encoding="utf-8"))
    assert not holes, "\n".join(
        f"{path}:{line}: « {hole} » doit passer par plain() (centrale.plaintext)"
        for line, hole in holes
    )


def test_plain_keeps_one_line_and_the_belgian_no_break_spaces():
    from centrale.plaintext import plain

    assert plain("a\n\n  b\u00a0c") == "a b\u00a0c"
    assert plain("orders-hs-41.csv") == "orders\\-hs\\-41\\.csv"  # for Markdown only
    assert plain("![x](https:example.invalid).csv").count("\\") == 8
