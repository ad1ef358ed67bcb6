"""Compiled report templates, kept between runs: Jinja compiles a template's source to Python
on every run otherwise, which costs more than rendering it.

Jinja's bytecode cache is keyed by the template's name and file, and each entry carries a
checksum of the source it was compiled from: an edited template is compiled afresh, never
served stale. Entries are read from two places, in turn:

- `compiled/` beside this module, written once when the checker image is built (`python -m
  checker.render.template_cache`): as trusted as the checker's own code, and read-only there;
- a per-user folder in the temp directory that Jinja creates with mode 0700 and refuses when
  another user owns it or can write to it. A fresh compile is written there only.

The cache's file names also carry the Jinja version and the environment's options, which
change the compiled code without changing the source. Any problem with the cache (no safe
folder, a full disk, a damaged entry) only means compiling, as without it.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
from pathlib import Path
from typing import Any

import jinja2
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache

PREBUILT = Path(__file__).resolve().parent / "compiled"


class TemplateCache(BytecodeCache):
    """Reads from the prebuilt folder, then from the per-user one; writes to the per-user one."""

    def __init__(self, pattern: str, prebuilt: FileSystemBytecodeCache | None,
                 user: FileSystemBytecodeCache | None) -> None:
        self.pattern, self.prebuilt, self.user = pattern, prebuilt, user

    @classmethod
    def for_options(cls, options: dict[str, Any], prebuilt: Path | None = None) -> TemplateCache:
        """The cache for an environment made with `options`."""
        pattern = f"mlsmoke-{_digest(options)}-%s.cache"
        return cls(pattern, FileSystemBytecodeCache(str(prebuilt or PREBUILT), pattern), _user_cache(pattern))

    def load_bytecode(self, bucket: Bucket) -> None:
        for cache in (self.prebuilt, self.user):
            if cache is None:
                continue
            try:
                cache.load_bytecode(bucket)
            except Exception:  # a damaged entry (unpickling raises many kinds): compile
                bucket.reset()
            if bucket.code is not None:
                return

    def dump_bytecode(self, bucket: Bucket) -> None:
        if self.user is None:
            return
        with contextlib.suppress(OSError):  # read-only or full: the next run compiles again
            self.user.dump_bytecode(bucket)


def _user_cache(pattern: str) -> FileSystemBytecodeCache | None:
    try:
        return FileSystemBytecodeCache(None, pattern)  # Jinja's checked per-user temp folder
    except (OSError, RuntimeError):
        return None


def _digest(options: dict[str, Any]) -> str:
    described = repr((jinja2.__version__, sorted((k, repr(v)) for k, v in options.items())))
    return hashlib.sha256(described.encode()).hexdigest()[:16]


def cached_environment(package: str, folder: str, **options: Any) -> jinja2.Environment:
    """A Jinja environment for the templates in `package`'s `folder`, with this cache."""
    return jinja2.Environment(loader=jinja2.PackageLoader(package, folder),
                              bytecode_cache=TemplateCache.for_options(options), **options)


def prebuild(environment: jinja2.Environment, folder: Path | None = None) -> list[str]:
    """Compile every template of `environment` (made by `cached_environment`) into `folder`,
    as the image's build does; the templates' names."""
    cache = environment.bytecode_cache
    assert isinstance(cache, TemplateCache)
    folder = folder or PREBUILT
    folder.mkdir(parents=True, exist_ok=True)
    only_folder = TemplateCache(cache.pattern, None, FileSystemBytecodeCache(str(folder), cache.pattern))
    writer = environment.overlay(cache_size=0, bytecode_cache=only_folder)
    names = environment.list_templates()
    for name in names:
        writer.get_template(name)
    for entry in folder.glob(cache.pattern % "*"):
        entry.chmod(0o644)  # written 0600, for the image's build user; read by whoever runs it
    return names


def main() -> None:
    """The image's build: `python -m checker.render.template_cache`."""
    from checker.render.markdown import template_environment

    compiled = prebuild(template_environment())
    print(f"compiled {len(compiled)} templates into {PREBUILT}", file=sys.stderr)


if __name__ == "__main__":  # the module proper, not this copy, made the environment's cache
    from checker.render import template_cache

    template_cache.main()
