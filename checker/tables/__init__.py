"""Reading data files (CSV, Parquet, JSON Lines) as typed record batches: the read policy."""
