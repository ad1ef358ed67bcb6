"""Rule semantics on small files: RE2 patterns, inclusive datetime bounds, NaN as a missing
value, whole-row uniqueness, CSV line numbers with quoted line breaks, and the twin passes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from helpers import by_id, cli, run_check, write_config

from checker.results.model import Status


def _run(folder: Path, contract: str, name: str, body: str) -> list:
    (folder / name).write_text(body, encoding="utf-8")
    config = write_config(folder, f"version: 1\ncontracts:\n  t:\n{contract}\ndata:\n"
                                  f"  - {{contract: t, files: {name}}}\n")
    return run_check(config, "data")


def test_a_pattern_re2_cannot_run_is_an_exit_2_at_validate_naming_file_line_and_key(tmp_path: Path) -> None:
    """A lookaround would fall back to a backtracking engine, where a 39-character value hangs."""
    config = write_config(tmp_path, """
        version: 1
        contracts:
          t:
            columns:
              code: {type: string, pattern: '(?=a)(a+)+$'}
        """)
    done = cli("validate", "--config", str(config), timeout=60)
    said = done.stdout + done.stderr
    assert done.returncode == 2, said
    assert "mlsmoke.yml:5: contracts.t.columns.code.pattern: RE2 cannot use this pattern" in said
    assert "invalid perl operator: (?=" in said


def test_a_backtracking_pattern_re2_accepts_runs_in_linear_time(tmp_path: Path) -> None:
    """`(a+)+$` is exponential in Python's `re` on a near miss; in RE2 it is linear."""
    contract = "    columns:\n      code: {type: string, pattern: '(a+)+'}\n"
    started = time.monotonic()
    results = _run(tmp_path, contract, "codes.csv", "code\n" + "a" * 39 + "!\n" + "a" * 39 + "\n")
    pattern = by_id(results, "data.pattern")
    assert (pattern.status, pattern.metrics["violations"]) == (Status.FAIL, 1)
    assert time.monotonic() - started < 10


def test_pattern_is_a_full_match(tmp_path: Path) -> None:
    contract = "    columns:\n      code: {type: string, pattern: 'W-\\d{2}'}\n"
    results = _run(tmp_path, contract, "codes.csv", "code\nW-12\nxW-12\nW-123\n")
    assert by_id(results, "data.pattern").metrics["by_column"] == {"code": 2}


def test_datetime_bounds_are_inclusive(tmp_path: Path) -> None:
    contract = ("    columns:\n      at: {type: datetime, min: 2020-01-01, max: '2020-12-31T23:59:59'}\n")
    passing = _run(tmp_path, contract, "ok.csv", "at\n2020-01-01\n2020-12-31T23:59:59\n")
    assert by_id(passing, "data.ranges").status is Status.PASS
    failing = _run(tmp_path, contract, "late.csv", "at\n2020-01-01\n2021-01-01T00:00:00\n2019-12-31\n")
    ranges = by_id(failing, "data.ranges")
    assert ranges.metrics["violations"] == 2
    assert ranges.evidence["examples"][0] == {"row": 1, "column": "at", "value": "2021-01-01T00:00:00",
                                              "line": 3,
                                              "rule": "outside [2020-01-01T00:00:00, 2020-12-31T23:59:59]"}


def test_datetime_bounds_with_a_zone_offset_are_compared_in_utc(tmp_path: Path) -> None:
    # min is 2023-12-31T22:00 UTC, max 2024-01-31T00:00 UTC; naive values are read as UTC.
    contract = ("    columns:\n      at: {type: datetime, min: '2024-01-01T00:00:00+02:00',"
                " max: '2024-01-31T00:00:00Z'}\n")
    body = "at\n2023-12-31T22:00:00\n2024-01-01T01:00:00+02:00\n2023-12-31T21:59:59\n2024-01-31T00:00:01\n"
    ranges = by_id(_run(tmp_path, contract, "at.csv", body), "data.ranges")
    assert (ranges.status, ranges.metrics["violations"]) == (Status.FAIL, 2)
    assert [e["row"] for e in ranges.evidence["examples"]] == [2, 3]


def test_datetime_bounds_with_an_offset_against_zoned_parquet_timestamps(tmp_path: Path) -> None:
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    utc = dt.UTC
    values = [dt.datetime(2023, 12, 31, 22, tzinfo=utc), dt.datetime(2023, 12, 31, 21, tzinfo=utc)]
    pq.write_table(pa.table({"at": pa.array(values, pa.timestamp("us", tz="UTC"))}), tmp_path / "at.parquet")
    contract = "    columns:\n      at: {type: datetime, min: '2024-01-01T00:00:00+02:00'}\n"
    config = write_config(tmp_path, f"version: 1\ncontracts:\n  t:\n{contract}\ndata:\n"
                                    "  - {contract: t, files: at.parquet}\n")
    ranges = by_id(run_check(config, "data"), "data.ranges")
    assert (ranges.status, ranges.metrics["violations"]) == (Status.FAIL, 1)


def test_numeric_bounds_are_inclusive_and_nan_is_a_null(tmp_path: Path) -> None:
    contract = "    columns:\n      x: {type: float, min: 0, max: 1}\n"
    results = _run(tmp_path, contract, "x.jsonl", '{"x": 0}\n{"x": 1.0}\n{"x": NaN}\n{"x": 1.5}\n')
    assert by_id(results, "data.ranges").metrics["by_column"] == {"x": 1}
    assert by_id(results, "data.nulls").metrics["by_column"] == {"x": 1}


def test_nullable_columns_pass_the_null_rule(tmp_path: Path) -> None:
    contract = "    columns:\n      x: {type: int, nullable: true}\n      y: {type: int}\n"
    results = _run(tmp_path, contract, "x.csv", "x,y\n,1\n2,3\n")
    nulls = by_id(results, "data.nulls")
    assert nulls.status is Status.PASS
    assert nulls.summary == "no nulls in 1 non-nullable column (2 rows)"


def test_unique_rows_counts_exact_whole_row_duplicates(tmp_path: Path) -> None:
    contract = "    columns:\n      a: {type: int}\n      b: {type: string}\n    unique_rows: true\n"
    results = _run(tmp_path, contract, "rows.csv", "a,b\n1,x\n1,y\n1,x\n2,y\n1,x\n")
    unique = by_id(results, "data.unique")
    assert unique.metrics["violations"] == 3
    assert unique.metrics["by_column"] == {"(whole row)": 3}
    passing = _run(tmp_path, contract, "distinct.csv", "a,b\n1,x\n1,y\n2,x\n")
    assert by_id(passing, "data.unique").status is Status.PASS


def test_unique_spans_several_columns_and_counts_each_row_once(tmp_path: Path) -> None:
    contract = "    columns:\n      a: {type: int, unique: true}\n      b: {type: string, unique: true}\n"
    results = _run(tmp_path, contract, "u.csv", "a,b\n1,x\n1,x\n2,y\n3,y\n4,z\n")
    unique = by_id(results, "data.unique")
    assert unique.metrics["violations"] == 4
    assert unique.metrics["by_column"] == {"a": 2, "b": 4}
    assert "a (2)" in unique.summary and "b (4)" in unique.summary


def test_csv_lines_count_quoted_line_breaks_and_blank_lines(tmp_path: Path) -> None:
    contract = "    columns:\n      note: {type: string, nullable: true}\n      n: {type: int, max: 5}\n"
    body = 'note,n\n"two\nlines",1\n\n"a ""quoted"" one",9\r\n"three\nmore\nlines",2\nplain,7\n'
    results = _run(tmp_path, contract, "notes.csv", body)
    ranges = by_id(results, "data.ranges")
    assert [(e["row"], e["line"]) for e in ranges.evidence["examples"]] == [(1, 5), (3, 9)]
    assert ranges.location.line == 5 and ranges.location.file == "notes.csv"


def test_wrong_typed_values_count_only_under_types(tmp_path: Path) -> None:
    contract = "    columns:\n      n: {type: int, min: 0, max: 5, allowed: [1, 2, 3]}\n"
    results = _run(tmp_path, contract, "n.csv", "n\n1\nseven\n2\n")
    assert by_id(results, "data.types").metrics["by_column"] == {"n": 1}
    for rule in ("ranges", "allowed", "nulls"):
        assert by_id(results, f"data.{rule}").status is Status.PASS


def test_rules_the_contract_does_not_use_are_not_reported(tmp_path: Path) -> None:
    contract = "    columns:\n      n: {type: int, nullable: true}\n"
    results = _run(tmp_path, contract, "n.csv", "n\n1\n")
    assert sorted(r.id for r in results if r.id.startswith("data.") and r.id != "data.compatibility") == [
        "data.columns", "data.readable", "data.types"]


def test_a_rule_whose_columns_are_all_missing_is_skipped(tmp_path: Path) -> None:
    contract = "    columns:\n      n: {type: int}\n      s: {type: string, pattern: 'x+'}\n"
    results = _run(tmp_path, contract, "n.csv", "n\n1\n")
    pattern = by_id(results, "data.pattern")
    assert pattern.status is Status.SKIP and "missing: s" in pattern.summary


@pytest.mark.parametrize(("rows", "status"), [("n\n1\n2\n", Status.PASS), ("n\n1\n", Status.FAIL)])
def test_rows_rule(tmp_path: Path, rows: str, status: Status) -> None:
    contract = "    columns:\n      n: {type: int}\n    rows: {min: 2, max: 3}\n"
    result = by_id(_run(tmp_path, contract, "n.csv", rows), "data.rows")
    assert result.status is status
    assert "between 2 and 3 expected" in result.summary


def test_globs_recurse_and_tolerate_special_characters_in_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "project [v2]"
    (folder / "data" / "2024").mkdir(parents=True)
    (folder / "data" / "a.csv").write_text("n\n1\n", encoding="utf-8")
    (folder / "data" / "2024" / "b.csv").write_text("n\n2\n", encoding="utf-8")
    config = write_config(folder, "version: 1\ncontracts:\n  t:\n    columns:\n      n: {type: int}\n"
                                  "data:\n  - {contract: t, files: 'data/**/*.csv'}\n")
    subjects = sorted(r.subject for r in run_check(config, "data") if r.id == "data.readable")
    assert subjects == ["t: data/2024/b.csv", "t: data/a.csv"]


def test_a_second_run_does_not_check_the_failing_rows_the_first_wrote(tmp_path: Path) -> None:
    """`**/*.csv` with the output folder inside the project (mlsmoke-out, the default): what
    the first run wrote there is not data to the next one; a CSV beside it still is."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "n.csv").write_text("n\n1\n-1\n", encoding="utf-8")
    config = write_config(tmp_path, """
        version: 1
        contracts:
          t: {columns: {n: {type: int, min: 0}}}
        data:
          - {contract: t, files: '**/*.csv'}
        """)

    def checked() -> list[str]:
        done = cli("run", "--config", str(config), cwd=tmp_path, env={"GITHUB_ACTIONS": "false"})
        assert done.returncode == 1, done.stderr
        results = json.loads((tmp_path / "mlsmoke-out" / "results.json").read_text(encoding="utf-8"))
        return sorted(r["subject"] for r in results["checks"] if r["id"] == "data.readable")

    subjects = [checked(), checked()]
    assert list((tmp_path / "mlsmoke-out" / "failing-rows").glob("*.csv"))
    (tmp_path / "mlsmoke-outside.csv").write_text("n\n-2\n", encoding="utf-8")
    subjects.append(checked())
    assert subjects == [["t: data/n.csv"], ["t: data/n.csv"], ["t: data/n.csv", "t: mlsmoke-outside.csv"]]


TEN = "'x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9'"


@pytest.mark.parametrize(("extra", "listed"), [(10, TEN), (2000, f"{TEN} and 1,990 more")])
def test_the_columns_summary_names_ten_extra_columns_and_counts_the_rest(tmp_path: Path, extra: int,
                                                                           listed: str) -> None:
    names = [f"x{i}" for i in range(extra)]
    contract = "    columns:\n      n: {type: int}\n    extra_columns: warn\n"
    body = ",".join(["n", *names]) + "\n" + ",".join(["1"] * (extra + 1)) + "\n"
    result = by_id(_run(tmp_path, contract, "wide.csv", body), "data.columns")
    assert result.summary == f"{extra} extra columns: {listed}"
    assert result.metrics["extra"] == names


@pytest.mark.parametrize(("missing", "more"), [(10, ""), (12, "; 2 more missing columns"),
                                               (11, "; 1 more missing column")])
def test_the_columns_summary_names_ten_missing_columns_and_counts_the_rest(tmp_path: Path, missing: int,
                                                                             more: str) -> None:
    contract = "    columns:\n      n: {type: int}\n" + "".join(f"      m{i}: {{type: int}}\n"
                                                            for i in range(missing))
    result = by_id(_run(tmp_path, contract, "n.csv", "n\n1\n"), "data.columns")
    assert result.summary == "; ".join(f"missing column 'm{i}'" for i in range(10)) + more
    assert result.metrics["missing"] == [f"m{i}" for i in range(missing)]


@pytest.mark.parametrize(("columns", "readable"), [(100_000, True), (150_000, False)])
def test_a_header_line_over_one_mib_is_refused_by_name(tmp_path: Path, columns: int, readable: bool) -> None:
    """100,000 names take 0.7 MiB and are read; 150,000 take 1.3 MiB, once said as "Empty CSV
    file or block: cannot infer number of columns"."""
    header = ",".join(["n", *(f"c{i}" for i in range(columns))])
    contract = "    columns:\n      n: {type: int}\n    extra_columns: allow\n"
    body = header + "\n" + ",".join(["1"] * (columns + 1)) + "\n"
    result = by_id(_run(tmp_path, contract, "wide.csv", body), "data.readable")
    if readable:
        assert result.status is Status.PASS and result.metrics["columns"] == columns + 1
    else:
        assert result.status is Status.FAIL
        assert result.summary == ("cannot read wide.csv: the header line is longer than 1 MiB, more than "
                                  "mlsmoke reads for one")


def test_csv_with_bad_values_in_many_columns_is_read_as_text_and_counted(tmp_path: Path) -> None:
    contract = "    columns:\n" + "".join(f"      c{i}: {{type: float, max: 5}}\n" for i in range(4))
    body = "c0,c1,c2,c3\n1,2,3,4\nx,2,y,9\n1,z,3,w\n"
    types = by_id(_run(tmp_path, contract, "bad.csv", body), "data.types")
    assert types.metrics["by_column"] == {"c0": 1, "c1": 1, "c2": 1, "c3": 1}
    assert types.metrics["violations"] == 2
    ranges = by_id(_run(tmp_path, contract, "bad.csv", body), "data.ranges")
    assert ranges.metrics["by_column"] == {"c3": 1}


def test_a_fault_while_checking_one_file_spares_the_others(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.checks.data import family as data
    real_scan = data.scan

    def flaky(stream, *args, **kwargs):
        if stream.path.name == "b.csv":
            raise RuntimeError("boom")
        return real_scan(stream, *args, **kwargs)

    monkeypatch.setattr(data, "scan", flaky)
    for name in ("a.csv", "b.csv", "c.csv"):
        (tmp_path / name).write_text("n\n1\n", encoding="utf-8")
    config = write_config(tmp_path, "version: 1\ncontracts:\n  t:\n    columns:\n      n: {type: int}\n"
                                    "data:\n  - {contract: t, files: '*.csv'}\n")
    results = run_check(config, "data")
    crashed = by_id(results, "data.readable", "t: b.csv")
    assert crashed.status is Status.ERROR and "RuntimeError: boom" in crashed.summary
    for name in ("a.csv", "c.csv"):
        assert by_id(results, "data.types", f"t: {name}").status is Status.PASS


def test_a_column_name_twice_in_the_header_fails_the_columns_check(tmp_path: Path) -> None:
    contract = "    columns:\n      n: {type: int}\n      m: {type: int}\n"
    columns = by_id(_run(tmp_path, contract, "d.csv", "n,n,m\n1,2,3\n"), "data.columns")
    assert columns.status is Status.FAIL
    assert columns.summary == "column 'n' appears 2 times"
