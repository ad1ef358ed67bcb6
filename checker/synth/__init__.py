"""Synthetic rows from a contract: values per column, regex samples and patterns on top."""
