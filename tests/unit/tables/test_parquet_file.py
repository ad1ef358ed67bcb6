"""parquet_file.ParquetFile reads what pyarrow.parquet.ParquetFile reads, without its import."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from checker.tables.parquet_file import ParquetFile


@pytest.fixture
def nested(tmp_path: Path) -> Path:
    """Flat, struct, list and dictionary-worthy columns over three row groups."""
    table = pa.table({
        "id": pa.array(range(9), pa.int64()),
        "point": pa.array([{"x": i, "y": -i} for i in range(9)]),
        "tags": pa.array([[str(i)] * (i % 3) for i in range(9)]),
        "colour": pa.array(["red", "white", "rose"] * 3),
    })
    path = tmp_path / "nested.parquet"
    pq.write_table(table, path, row_group_size=3)
    return path


def _both(path: Path, **options: object) -> tuple[ParquetFile, pq.ParquetFile]:
    dictionary = options.get("read_dictionary")
    return (ParquetFile(path, read_dictionary=dictionary),  # type: ignore[arg-type]
            pq.ParquetFile(path, pre_buffer=False, read_dictionary=dictionary))  # type: ignore[arg-type]


@pytest.mark.parametrize("columns", [None, ["id"], ["point"], ["point.x"], ["tags", "id"],
                                     ["colour", "point"]])
def test_batches_match_pyarrow(nested: Path, columns: list[str] | None) -> None:
    ours, theirs = _both(nested)
    mine = pa.Table.from_batches(ours.iter_batches(batch_size=2, columns=columns))
    expected = pa.Table.from_batches(theirs.iter_batches(batch_size=2, columns=columns))
    assert mine.equals(expected) and mine.num_rows == 9


def test_a_name_selects_only_its_own_leaves(nested: Path) -> None:
    """The failing twin of the prefix mapping: `point.x` is not `point`, `id` not `id` + more."""
    ours, _ = _both(nested)
    assert ours.read_row_group(0, columns=["point.x"]).column(0).type == pa.struct([("x", pa.int64())])
    assert ours.read_row_group(0, columns=["point"]).column(0).type.num_fields == 2
    assert ours.read_row_group(0, columns=["id"]).column_names == ["id"]
    assert ours.read_row_group(0, columns=["nowhere"]).num_columns == 0  # as pyarrow: nothing


def test_row_groups_dictionary_and_metadata_match(nested: Path) -> None:
    ours, theirs = _both(nested, read_dictionary=["colour"])
    assert ours.num_row_groups == theirs.num_row_groups == 3
    assert ours.schema_arrow.equals(theirs.schema_arrow)
    assert ours.schema.equals(theirs.schema)
    assert ours.metadata.equals(theirs.metadata)
    for group in range(3):
        mine = ours.read_row_group(group, columns=["colour", "id"], use_threads=False)
        assert mine.equals(theirs.read_row_group(group, columns=["colour", "id"], use_threads=False))
        assert pa.types.is_dictionary(mine.schema.field("colour").type)
    picked = pa.Table.from_batches(ours.iter_batches(batch_size=5, row_groups=[2, 0], columns=["id"]))
    assert picked.column("id").to_pylist() == [6, 7, 8, 0, 1, 2]


def test_the_given_metadata_is_used(nested: Path) -> None:
    metadata = pq.read_metadata(nested)
    assert ParquetFile(nested, metadata=metadata).metadata.equals(metadata)


def test_extension_types_as_pyarrow_reads_them(tmp_path: Path) -> None:
    """UUID (and JSON) logical types come back as pyarrow.parquet.ParquetFile gives them: as
    extension types since pyarrow 21, as their storage before."""
    if not hasattr(pa, "uuid"):
        pytest.skip("this pyarrow has no UUID type")
    path = tmp_path / "uuid.parquet"
    pq.write_table(pa.table({"key": pa.array([uuid.uuid4().bytes for _ in range(3)], pa.uuid())}), path)
    ours, theirs = _both(path)
    assert ours.schema_arrow.equals(theirs.schema_arrow)
    assert pa.Table.from_batches(ours.iter_batches(batch_size=8)).equals(theirs.read())


def test_a_corrupt_file_raises_as_pyarrow_does(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 not really a parquet file")
    with pytest.raises(pa.ArrowInvalid):
        ParquetFile(path)


def test_reading_does_not_import_pyarrow_parquet(nested: Path) -> None:
    """The point of the module: the cloud filesystems `pyarrow.parquet` loads stay unloaded."""
    code = ("import sys; from pathlib import Path; from checker.tables.parquet_file import ParquetFile; "
            f"f = ParquetFile(Path({str(nested)!r})); "
            "rows = sum(b.num_rows for b in f.iter_batches(batch_size=4)); "
            "print(rows, 'pyarrow.parquet' in sys.modules, 'pyarrow.fs' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["9", "False", "False"]
