"""The probe script run by the user's interpreter (see probe.py); never imported by mlsmoke."""

from __future__ import annotations

from pathlib import Path

PROBE_SCRIPT = Path(__file__).with_name("probe.py")
