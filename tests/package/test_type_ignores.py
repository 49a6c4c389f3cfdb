"""Each ``type: ignore`` in the package names its error codes and the annotation it works around.

``docs/architecture.md`` promises it; a bare ignore hides whatever error comes next on the line.
"""

from __future__ import annotations

import re
from pathlib import Path

import framework

_IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]+\])?(?P<rest>.*)$")
#: After the codes, a comment of its own: ``# <library>: <the annotation worked around>``.
_REASON = re.compile(r"\s+#\s*\S+")


def unexplained_ignores(source: str) -> list[tuple[int, str]]:
    """Return the (line number, line) of each ignore without codes or a reason after them."""
    found = []
    for number, line in enumerate(source.splitlines(), 1):
        match = _IGNORE.search(line)
        if match and not (match["codes"] and _REASON.match(match["rest"])):
            found.append((number, line.strip()))
    return found


def test_the_check_tells_an_explained_ignore_from_a_bare_one() -> None:
    assert unexplained_ignores("x = f(y)  # type: ignore[arg-type]  # Lib: y typed str\n") == []
    source = "a = 1  # type: ignore\nb = 2  # type: ignore[misc]\nc = 3  # type: ignore[misc] #\n"
    assert [number for number, _ in unexplained_ignores(source)] == [1, 2, 3]


def test_every_type_ignore_names_what_it_works_around() -> None:
    root = Path(framework.__file__).parent
    bare = [
        f"{path.relative_to(root.parent)}:{number}: {line}"
        for path in sorted(root.rglob("*.py"))
        for number, line in unexplained_ignores(path.read_text(encoding="utf-8"))
    ]
    assert not bare, (
        "Type the code instead, or end the ignore with '# <library>: <annotation>':\n"
        + "\n".join(bare)
    )
