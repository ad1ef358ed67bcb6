"""act runs these tests offline (`--action-offline-mode`): a remote action the workflow uses
must already be in act's action cache. actions/upload-artifact@v4 (the action's upload step)
is a stand-in there that says what it was asked to upload and then fails, which must not
change the job's outcome."""

from __future__ import annotations

from pathlib import Path

from e2e.action_files import commit_all

UPLOAD_STAND_IN = """\
name: upload-artifact stand-in
description: Records what the action asks to upload, then fails.
inputs:
  name: {description: artifact name}
  path: {description: what to upload}
  if-no-files-found: {description: ignored}
runs:
  using: composite
  steps:
    - shell: bash
      env:
        NAME: ${{ inputs.name }}
        UPLOAD_PATH: ${{ inputs.path }}
      run: |
        echo "upload name=$NAME path=$UPLOAD_PATH"
        find "$UPLOAD_PATH" -type f | sort | sed 's/^/uploaded /'
        exit 1
"""


def seed_action_cache(cache: Path) -> Path:
    """`cache` (act's --action-cache-path) holding the stand-ins; returns it."""
    _stand_in(cache / "actions-upload-artifact@v4", UPLOAD_STAND_IN, "v4")
    return cache


def _stand_in(folder: Path, action_yml: str, ref: str) -> None:
    """A git repository where act, offline, finds a remote action at `ref`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "action.yml").write_text(action_yml, encoding="utf-8")
    commit_all(folder, ref, "stand-in")
