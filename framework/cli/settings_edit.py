"""Add an app to ``INSTALLED_APPS`` in a settings file without disturbing anything else."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Literal

__all__ = ["add_installed_app"]

Outcome = Literal["added", "present", "unsupported"]


def _find_assignment(tree: ast.Module) -> ast.List | ast.Tuple | None:
    """Return the literal list assigned to INSTALLED_APPS, if it is assigned exactly once."""
    found: list[ast.expr] = []
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "INSTALLED_APPS" for t in node.targets
        ):
            found.append(node.value)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and (
            isinstance(node.target, ast.Name) and node.target.id == "INSTALLED_APPS"
        ):
            return None
    if len(found) != 1 or not isinstance(found[0], (ast.List, ast.Tuple)):
        return None
    value = found[0]
    if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
        return None
    return value


def add_installed_app(settings_file: Path, app: str) -> Outcome:
    """Insert ``"app",`` as the last entry of INSTALLED_APPS in *settings_file*.

    Only a single literal list (or tuple) of strings is edited, in place, keeping comments
    and layout; anything else returns ``"unsupported"`` so the caller prints the line to add.
    """
    source = settings_file.read_text(encoding="utf-8")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "unsupported"
    node = _find_assignment(tree)
    if node is None:
        return "unsupported"
    if any(e.value == app for e in node.elts if isinstance(e, ast.Constant)):
        return "present"
    lines = source.splitlines(keepends=True)
    edited = _insert(lines, node, app)
    # Verify the edit produced exactly the list we meant before writing anything.
    new_node = _find_assignment(ast.parse(edited))
    expected = [e.value for e in node.elts if isinstance(e, ast.Constant)] + [app]
    if (
        new_node is None
        or [e.value for e in new_node.elts if isinstance(e, ast.Constant)] != expected
    ):
        return "unsupported"
    settings_file.write_text(edited, encoding="utf-8")
    return "added"


def _offset(lines: list[str], lineno: int, col: int) -> int:
    """Return the character offset of (1-based *lineno*, UTF-8 byte *col*)."""
    line = lines[lineno - 1]
    return sum(len(item) for item in lines[: lineno - 1]) + len(
        line.encode("utf-8")[:col].decode("utf-8")
    )


def _insert(lines: list[str], node: ast.List | ast.Tuple, app: str) -> str:
    source = "".join(lines)
    assert node.end_lineno is not None and node.end_col_offset is not None
    close = _offset(lines, node.end_lineno, node.end_col_offset) - 1  # the closing bracket
    start = _offset(lines, node.lineno, node.col_offset)
    if node.end_lineno == node.lineno:
        inner = source[start + 1 : close].strip()
        if not inner:
            new_inner = f'"{app}"' + ("," if isinstance(node, ast.Tuple) else "")
        else:
            new_inner = f'{inner.rstrip(",")}, "{app}"'
        return f"{source[: start + 1]}{new_inner}{source[close:]}"
    indent = _item_indent(lines, node)
    if node.elts:
        last = node.elts[-1]
        assert last.end_lineno is not None and last.end_col_offset is not None
        end = _offset(lines, last.end_lineno, last.end_col_offset)
        if "," not in source[end:close].split("#")[0]:
            # The last item has no trailing comma: add one right after it.
            source = f"{source[:end]},{source[end:]}"
            close += 1
    line_start = source.rfind("\n", 0, close) + 1
    if source[line_start:close].strip():
        # The closing bracket shares its line with an item: put it on a line of its own.
        closing_indent = lines[node.lineno - 1][
            : len(lines[node.lineno - 1]) - len(lines[node.lineno - 1].lstrip())
        ]
        return f'{source[:close].rstrip()}\n{indent}"{app}",\n{closing_indent}{source[close:]}'
    return f'{source[:line_start]}{indent}"{app}",\n{source[line_start:]}'


def _item_indent(lines: list[str], node: ast.List | ast.Tuple) -> str:
    """Return the indentation new items get: that of the last item on a line of its own."""
    for element in reversed(node.elts):
        if element.lineno != node.lineno:
            line = lines[element.lineno - 1]
            return line[: len(line) - len(line.lstrip())]
    line = lines[node.lineno - 1]
    return line[: len(line) - len(line.lstrip())] + "    "
