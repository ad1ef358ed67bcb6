"""`GroupColumns.values_at`: a column's values at some rows of one row group, decoded only up to
the last of them when it is early in the group (else the chunk whole), the same values either
way, text read dictionary-encoded included; a corrupt chunk is a read error on both paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from checker.tables import row_group
from checker.tables.errors import TableReadError
from checker.tables.reader import TableOptions, open_table

ROWS = 3000


def _file(path: Path) -> Path:
    table = pa.table({"n": list(range(2 * ROWS)), "t": [f"v{r % 5}" for r in range(2 * ROWS)]})
    pq.write_table(table, path, row_group_size=ROWS, data_page_size=1024)
    return path


@pytest.mark.parametrize("rows", [[0, 1, 7], [5, 900], [10, 2999], [2998, 2999]])
def test_values_at_early_and_late_rows_are_the_rows_values(tmp_path: Path, rows: list[int],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path / "t.parquet")
    heads: list[int] = []
    head = row_group.GroupColumns._head
    monkeypatch.setattr(row_group.GroupColumns, "_head",
                        lambda self, name, n: heads.append(n) or head(self, name, n))
    group = open_table(path, TableOptions(columns=["n", "t"])).group_columns(1)
    at = np.array(rows, np.int64)
    assert group.values_at("n", at).to_pylist() == [ROWS + r for r in rows]
    assert group.values_at("t", at).to_pylist() == [f"v{(ROWS + r) % 5}" for r in rows]
    early = 3 * (rows[-1] + 1) < ROWS
    assert heads == ([rows[-1] + 1] * 2 if early else [])


def test_a_corrupt_chunk_is_a_read_error_early_or_late(tmp_path: Path) -> None:
    path = _file(tmp_path / "t.parquet")
    chunk = pq.ParquetFile(path).metadata.row_group(0).column(0)
    data = bytearray(path.read_bytes())
    start = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
    data[start:start + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))
    group = open_table(path, TableOptions(columns=["n", "t"])).group_columns(0)
    for rows in ([1], [ROWS - 1]):
        with pytest.raises(TableReadError):
            group.values_at("n", np.array(rows, np.int64))
