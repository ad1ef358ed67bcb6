"""mlsmoke: smoke checks for ML projects in pull requests."""

__version__ = "0.1.0"
