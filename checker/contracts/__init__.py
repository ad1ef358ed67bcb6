"""Data contracts: the model, the diff against a base contract, and inference from sample data."""
