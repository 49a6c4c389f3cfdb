"""The benchmark harness runs end to end (one second per cell); nothing about speed is asserted."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    output = tmp_path_factory.mktemp("bench") / "results.md"
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return output.read_text()


def test_every_contender_and_endpoint_is_measured(report: str) -> None:
    header = (
        "| endpoint | Starlette (raw) | framework | framework (stripped) | FastAPI | Litestar "
        "| Django |"
    )
    assert header in report
    throughput = report.split("## Throughput ratio to raw Starlette", 1)[1].split("\n## ", 1)[0]
    for endpoint in ["GET /hello", "GET /json", "GET /users", "GET /users/7", "POST /items"]:
        row = re.search(rf"^\| `{re.escape(endpoint)}` \|(.+)\|$", throughput, re.MULTILINE)
        assert row, endpoint
        ratios = [float(cell) for cell in row.group(1).split("|")]
        assert ratios[0] == 1.0 and all(ratio > 0 for ratio in ratios), endpoint


def test_no_contender_answered_with_errors(report: str) -> None:
    rows = re.findall(
        r"^\| (?:Starlette \(raw\)|framework|framework \(stripped\)|FastAPI|Litestar|Django) "
        r"\|.*\| (\d+) \|$",
        report,
        re.MULTILINE,
    )
    assert rows and all(errors == "0" for errors in rows)


def test_tooling_figures_and_versions_are_reported(report: str) -> None:
    for section in [
        "## help (ms)",
        "## startproject (ms)",
        "## import (ms)",
        "## Server memory after the load (RSS)",
        "## Versions",
        "## Commands",
        "## Patera's measure: `ab -k -c 200 -n 2000` on `/users`",
    ]:
        assert section in report, section
    assert "| framework manage.py --help |" in report
    assert "| django-admin help |" in report


def test_in_process_table_has_every_contender(report: str) -> None:
    section = report.split("## In process", 1)[1].split("\n## ", 1)[0]
    for endpoint in ["GET /hello", "GET /json", "GET /users", "POST /items"]:
        row = re.search(rf"^\| `{re.escape(endpoint)}` \|(.+)\|$", section, re.MULTILINE)
        assert row, endpoint
        cells = [cell.strip() for cell in row.group(1).split("|")]
        assert len(cells) == 6 and cells[0].endswith("(1.00)"), cells
        assert all(re.fullmatch(r"[\d.]+ µs \([\d.]+\)", cell) for cell in cells), cells
    cached = re.search(r"^\| `GET /users/cached` \|(.+)\|$", section, re.MULTILINE)
    assert cached and "µs" in cached.group(1)


def test_generated_project_rows_name_the_password_cost(report: str) -> None:
    section = report.split("## Capabilities of the generated project", 1)[1]
    assert re.search(r"argon2id? m=\d+,t=\d+,p=\d+", section.split("\n\n", 2)[1])
    for row in ["`GET /users/cached` hit, to uncached `/users`", "`POST /login` (JSON)"]:
        line = next(line for line in section.splitlines() if line.startswith(f"| {row} |"))
        assert line.endswith("| 0 |"), line  # no errors: every login succeeded


def test_routing_table_measures_first_and_last_of_three_hundred_routes(report: str) -> None:
    section = report.split("## Routing: 300 routes, first against last (in process)", 1)[1]
    section = section.split("\n## ", 1)[0]
    assert "| route | Starlette (raw) | framework |" in section
    for label in ["first route `GET /p0`", "last static route `GET /p298`", "last route"]:
        row = re.search(rf"^\| {re.escape(label)}.*\|(.+)\|$", section, re.MULTILINE)
        assert row, label
        cells = [cell.strip() for cell in row.group(1).split("|")]
        assert all(re.fullmatch(r"[\d.]+ µs", cell) for cell in cells), cells
    ratios = re.findall(r"^\| last (?:static )?route ÷ first route \|(.+)\|$", section, re.M)
    assert len(ratios) == 2
    assert all(float(cell) > 0 for row in ratios for cell in row.split("|"))


def test_targets_table_comes_first_and_judges_every_target(report: str) -> None:
    assert report.index("## Targets") < report.index("## In process")
    section = report.split("## Targets", 1)[1].split("\n## ", 1)[0]
    labels = [
        "`GET /hello` over the wire",
        "`GET /hello` in process",
        "`GET /json` over the wire",
        "`GET /users` over the wire",
        "`GET /users` ahead of Litestar",
        "`POST /items` over the wire",
        "RSS after the load",
        "300 routes, last static route ÷ first route",
        "300 routes, last route ÷ first route",
    ]
    for label in labels:
        row = next(line for line in section.splitlines() if line.startswith(f"| {label} |"))
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[-1] in ("met", "**missed**"), row
        assert re.search(r"\d\.\d", cells[2]), row  # the measured figure
    met = sum(line.endswith("| met |") for line in section.splitlines())
    assert f"{met} of {len(labels)} measured targets met" in section


def test_admin_list_page_is_measured_beside_the_rest_list(report: str) -> None:
    section = report.split("## Admin list page beside the same rows over REST", 1)[1]
    section = section.split("\n## ", 1)[0]
    assert "`framework.contrib.admin` in INSTALLED_APPS" in section  # how it was added
    rows = [line for line in section.splitlines() if line.startswith(("| REST", "| admin"))]
    assert [row.split("|")[1].strip() for row in rows] == [
        "REST `GET /users`",
        "REST `GET /users`, staff session cookie sent",
        "admin list page `GET /admin/person/list`",
    ]
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[6] == "0", row  # no errors, no timeouts
        assert float(cells[7]) > 0 and float(cells[8]) > 0, row  # in process µs, ratio
    assert re.search(r"The page costs [\d.]+ times the REST list's server CPU", section)
