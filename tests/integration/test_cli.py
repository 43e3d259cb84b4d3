"""The `govdash` command line: JSON keys, and bad input → one line on stderr, exit 2."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govdash.cli import main

METRIC_KEYS = {
    "accepted", "closed", "closure_rate", "resolved", "resolution_rate",
    "mediation_success_rate", "on_time_rate", "rated", "satisfaction_rate",
    "rating_participation", "petitions", "petition_closure_rate", "repeat_petitions",
    "repeat_petition_rate", "village_contained_rate", "township_contained_rate", "by_level",
    "by_source", "by_category", "open", "overdue_open", "open_by_level", "center_load",
}  # fmt: skip
RATE_KEYS = {k for k in METRIC_KEYS if k.endswith("_rate") or k == "rating_participation"}


@pytest.fixture(scope="module")
def url(sqlite_fixture_engine) -> str:
    return sqlite_fixture_engine.url.render_as_string(hide_password=False)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_info:  # argparse's own errors exit from parse_args
        code = exit_info.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, err: str, fragment: str) -> None:
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("govdash: error:")
    assert fragment in lines[0]
    assert "Traceback" not in err


def test_kpis_json_has_every_metric_key(capsys, url, metrics, sqlite_fixture_engine):
    code, out, err = run(
        capsys, "--url", url, "kpis", "--region", "150203",
        "--from", "2024-01-01", "--to", "2024-12-31", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = orjson.loads(out)
    assert set(data) >= METRIC_KEYS
    for key in RATE_KEYS:
        assert data[key] is None or 0 <= data[key] <= 1, key
    # The CLI prints exactly what the metrics function computes.
    direct = metrics.kpis(sqlite_fixture_engine, "150203", date(2024, 1, 1), date(2024, 12, 31))
    assert {k: data[k] for k in METRIC_KEYS} == orjson.loads(
        orjson.dumps({k: direct[k] for k in METRIC_KEYS})
    )


def test_breakdown_json_lists_children(capsys, url):
    code, out, err = run(
        capsys, "--url", url, "breakdown", "--region", "150200", "--by", "child",
        "--from", "2024-01-01", "--to", "2024-12-31", "--json",
    )  # fmt: skip
    assert code == 0, err
    rows = orjson.loads(out)
    assert [r["key"] for r in rows][:3] == ["150202", "150203", "150204"]


def test_as_of_and_kind_options(capsys, url):
    code, out, _ = run(
        capsys, "--url", url, "kpis", "--region", "150200", "--from", "2024-01-01",
        "--to", "2024-12-31", "--as-of", "2024-06-30", "--kind", "petition", "--json",
    )  # fmt: skip
    assert code == 0
    assert orjson.loads(out)["meta"]["as_of"] == "2024-06-30 23:59:59"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["kpis", "--region", "150299"], "unknown region code 150299"),
        (["kpis", "--region", "15020x"], "malformed region code"),
        (["kpis", "--region", "150200", "--from", "2024-13-01"], "not a date"),
        (["kpis", "--region", "150200", "--from", "2024-02-30"], "not a date"),
        (
            ["kpis", "--from", "2024-05-01", "--to", "2024-01-31"],
            "starts (2024-05-01) after it ends",
        ),
        (["kpis", "--as-of", "yesterday"], "not a date or time"),
        (["kpis", "--kind", "parking"], "invalid choice"),
        (["breakdown", "--by", "planet"], "invalid choice"),
        (["breakdown"], "required"),
        (["breakdown", "--region", "150204001021003", "--by", "child"], "has no child regions"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(capsys, url, argv, fragment):
    code, _out, err = run(capsys, "--url", url, *argv)
    assert_one_line_error(code, err, fragment)


def test_argparse_errors_exit_2_without_usage_block(capsys, url):
    with pytest.raises(SystemExit) as exit_info:
        main(["--url", url, "kpis", "--from", "nope"])
    assert exit_info.value.code == 2
    _out, err = capsys.readouterr()
    assert len(err.strip().splitlines()) == 1


def test_unreachable_postgres_is_one_line(capsys):
    code, _out, err = run(
        capsys,
        "--url",
        "postgresql+psycopg://postgres@127.0.0.1:1/test",
        "kpis",
        "--region",
        "150200",
    )
    assert_one_line_error(code, err, "cannot reach the database")


def test_missing_sqlite_file_is_one_line(capsys, tmp_path):
    code, _out, err = run(capsys, "--url", f"sqlite:///{tmp_path}/none.sqlite", "kpis")
    assert_one_line_error(code, err, "no database file")
    assert not (tmp_path / "none.sqlite").exists()


def test_database_without_schema_is_one_line(capsys, tmp_path):
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    code, _out, err = run(capsys, "--url", f"sqlite:///{path}", "kpis", "--region", "150200")
    assert_one_line_error(code, err, "init-db")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(region=st.text(min_size=0, max_size=20))
def test_any_region_text_gives_figures_or_one_line(capsys, url, region):
    """Whatever is typed as a region: figures, or one clear line and exit 2."""
    if region.startswith("-") or "\x00" in region:
        return  # argparse would read it as an option / the OS refuses NUL in argv
    code, out, err = run(capsys, "--url", url, "kpis", "--region", region, "--json")
    if code == 0:
        assert "accepted" in orjson.loads(out)
    else:
        assert_one_line_error(code, err, "region")


def test_console_script_runs_as_a_process(url):
    """The installed entry point, as a person runs it (no traceback, exit 2)."""
    result = subprocess.run(
        [sys.executable, "-m", "govdash.cli", "--url", url, "kpis", "--region", "999999"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip() == "govdash: error: unknown region code 999999"
