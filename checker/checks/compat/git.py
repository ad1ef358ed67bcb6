"""Files as they were at another revision, read with the git command line.

`data.compatibility` compares contracts with their version on the base branch. A CI checkout
is often shallow (actions/checkout fetches one commit by default), so a base ref that is not
in the clone can be fetched once, bounded by a timeout.
"""

from __future__ import annotations

import os
import posixpath
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from checker.checks.deadline import NO_DEADLINE, Deadline
from checker.errors import DeadlineExceededError, ExternalError
from checker.record import record

GIT_TIMEOUT_S = 30.0
FETCH_TIMEOUT_S = 120.0


class GitError(ExternalError):
    """git cannot answer; the message says why, for the user."""


@record
class Repo:
    """The git work tree holding `folder`; `prefix` is that folder relative to the top level."""

    top: Path
    prefix: str
    environ: Mapping[str, str]
    deadline: Deadline = NO_DEADLINE  # no git command runs past it

    @classmethod
    def find(cls, folder: Path, environ: Mapping[str, str], deadline: Deadline = NO_DEADLINE) -> Repo:
        env = {**environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        probe = cls(Path(folder), "", env, deadline).git("rev-parse", "--show-toplevel", "--show-prefix")
        if probe.returncode != 0:
            raise GitError(f"{folder} is not in a git repository ({_first_line(probe.stderr)})")
        top, _, prefix = probe.stdout.decode().partition("\n")
        return cls(Path(top.strip()), prefix.strip(), env, deadline)

    def git(self, *args: str, timeout: float = GIT_TIMEOUT_S) -> subprocess.CompletedProcess[bytes]:
        """Run git; DeadlineExceededError when the deadline, not `timeout`, stops it."""
        allowed = min(timeout, self.deadline.left())
        try:
            return _git(self.top, self.environ, args, max(allowed, 0.0))
        except subprocess.TimeoutExpired:
            if allowed < timeout:
                raise DeadlineExceededError(self.deadline.reason, f"`git {args[0]}` was running") from None
            raise

    def resolve(self, ref: str) -> str | None:
        """The commit `ref` names, or None when this clone does not have it."""
        found = self.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        if found.returncode != 0:
            return None
        return found.stdout.decode().strip() or None

    def fetch(self, ref: str, timeout: float = FETCH_TIMEOUT_S) -> str:
        """Fetch `ref` (`origin/main`, a branch name or a commit) and return its commit.
        One commit deep when the clone is shallow, so the fetch stays small."""
        remotes = self.git("remote").stdout.decode().split()
        if not remotes:
            raise GitError("the repository has no remote to fetch it from")
        remote, _, branch = ref.partition("/")
        if remote in remotes and branch:
            refspec, target = f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}", ref
        else:
            remote, refspec, target = ("origin" if "origin" in remotes else remotes[0]), ref, "FETCH_HEAD"
        shallow = self.git("rev-parse", "--is-shallow-repository").stdout.decode().strip() == "true"
        args = ["fetch", "--no-tags", "--quiet", *(["--depth=1"] if shallow else []), remote, refspec]
        try:
            done = self.git(*args, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise GitError(f"`git {' '.join(args)}` timed out after {timeout:g} s") from None
        if done.returncode != 0:
            raise GitError(f"`git {' '.join(args)}` failed: {_first_line(done.stderr)}")
        commit = self.resolve(target)
        if commit is None:
            raise GitError(f"`git {' '.join(args)}` did not bring {ref}")
        return commit

    def path_of(self, relative: str) -> str | None:
        """The repository path of a file named relative to the config folder (None if outside)."""
        path = posixpath.normpath(posixpath.join(self.prefix, relative.replace(os.sep, "/")))
        return None if path.startswith("../") or path == ".." else path

    def show(self, commit: str, path: str) -> str | None:
        """A file's text at `commit`, or None when it does not exist there."""
        found = self.git("cat-file", "blob", f"{commit}:{path}")
        if found.returncode != 0:
            return None
        try:
            return found.stdout.decode("utf-8")
        except UnicodeDecodeError:
            raise GitError(f"{path} at {commit[:12]} is not UTF-8 text") from None


def _git(cwd: Path, env: Mapping[str, str], args: Sequence[str],
         timeout: float = GIT_TIMEOUT_S) -> subprocess.CompletedProcess[bytes]:
    """Run git in its own process group, so a timeout also stops its helpers (ssh, https)."""
    # The workspace mounted into the container belongs to another user: trust it explicitly.
    command = ["git", "-c", "safe.directory=*", *args]
    if not cwd.is_dir():
        raise GitError(f"{cwd} is not a folder")
    try:
        process = subprocess.Popen(command, cwd=cwd, env=dict(env), stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _first_line(stderr: bytes) -> str:
    text = stderr.decode(errors="replace").strip()
    return text.splitlines()[0] if text else "no message"
