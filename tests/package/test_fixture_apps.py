"""Every test project's app with models has its own label, so any order of the suite works.

Tables are named after the app label (``library_book``) on one shared metadata: two test
projects with an app of the same label define the same table twice ("Table 'library_book' is
already defined") as soon as one process imports both.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_no_two_fixture_apps_with_models_share_a_label() -> None:
    owners: dict[str, list[str]] = defaultdict(list)
    for models in FIXTURES.rglob("models.py"):
        app = models.parent
        owners[app.name].append(str(app.relative_to(FIXTURES)))
    shared = {label: paths for label, paths in owners.items() if len(paths) > 1}
    assert not shared, f"fixture apps share a label (and so their tables): {shared}"
