"""The data family: contract rules over streamed record batches."""
