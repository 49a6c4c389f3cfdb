"""The tutorial runner: marked blocks run in order, and a mismatch fails with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.tutorial import Tutorial, commands, steps

SAMPLE = """# Sample

<!-- tutorial: run -->
```console
$ mkdir shop && cd shop
$ echo hello from the shell
hello from the shell
```

<!-- tutorial: file shop/app.py -->
```python
print("written")
```

Not marked, so not run:

```console
$ exit 1
```

<!-- tutorial: append app.py -->
```python
print("appended")
```

<!-- tutorial: run -->
```console
$ python app.py
written
appended
```
"""


def test_steps_and_commands_are_parsed() -> None:
    found = steps(SAMPLE)
    assert [(s.action, s.path, s.line) for s in found] == [
        ("run", None, 3),
        ("file", "shop/app.py", 10),
        ("append", "app.py", 21),
        ("run", None, 26),
    ]
    assert commands(found[0].body) == [
        ("mkdir shop && cd shop", []),
        ("echo hello from the shell", ["hello from the shell"]),
    ]


def test_a_sample_plays_in_order(tmp_path: Path) -> None:
    sample = SAMPLE.replace("file shop/app.py", "file app.py")
    assert Tutorial(tmp_path).play(sample, "sample.md") == 4
    assert (tmp_path / "shop" / "app.py").read_text() == 'print("written")\nprint("appended")\n'


def test_unexpected_output_fails_with_the_line(tmp_path: Path) -> None:
    broken = "<!-- tutorial: run -->\n```console\n$ echo one\ntwo\n```\n"
    with pytest.raises(AssertionError, match=r"^broken\.md:1: `echo one` did not print 'two'"):
        Tutorial(tmp_path).play(broken, "broken.md")


def test_a_failing_command_fails_with_its_status(tmp_path: Path) -> None:
    broken = "<!-- tutorial: run -->\n```console\n$ false\n```\n"
    with pytest.raises(AssertionError, match=r"^broken\.md:1: `false` failed \(1\)"):
        Tutorial(tmp_path).play(broken, "broken.md")
