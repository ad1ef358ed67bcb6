"""'Did you mean …?' for an unknown key: the keys of the section the key was written in.

The section is found by following the error's location through the schema's types, so a
typo in `data[0]` is matched against a data entry's keys only, never against a key of
another section (`data[0].file` suggests `files`, not the `file` of a contract file).
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from checker.config.lazy_section import LazySection
from checker.shape import FieldInfo, Model, Tag


def suggestion(root: type[Model], loc: Sequence[Any]) -> str:
    """' (did you mean 'x'?)' for the unknown key at the end of `loc`, or ''."""
    key = str(loc[-1])
    close = closest(key, section_keys(root, loc[:-1]))
    return f" (did you mean {close!r}?)" if close else ""


def closest(key: str, valid: Sequence[str]) -> str | None:
    """The valid key `key` most likely meant: the same but for case, `-`/`_` or a plural `s`;
    else the one it is a prefix of (or that is a prefix of it); else the nearest by spelling."""
    import difflib  # only to suggest a name in a message

    wanted = key.lower().replace("-", "_")
    for candidate in valid:
        if candidate in (wanted, wanted + "s", wanted + "es", wanted.removesuffix("s")):
            return candidate
    prefixed = [v for v in valid if len(wanted) >= 3 and (v.startswith(wanted) or wanted.startswith(v))]
    near = difflib.get_close_matches(wanted, prefixed or list(valid), n=1, cutoff=0.0 if prefixed else 0.6)
    return near[0] if near else None


def section_keys(root: type[Model], path: Sequence[Any]) -> list[str]:
    """The keys the schema allows at `path` (an error's loc, union tags included)."""
    current: list[Any] = [root]
    for part in path:
        current = [found for annotation in current for found in _step(annotation, part)]
    return sorted({key for annotation in current for model in _models(annotation)
                   for key in _keys(model)})


def _step(annotation: Any, part: Any) -> list[Any]:
    """What lies at `part` inside a value of type `annotation`."""
    annotation = _unwrap(annotation)
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        members = get_args(annotation)
        tagged = [_unwrap(m) for m in members if _tag(m) == part]
        return tagged or [found for member in members for found in _step(member, part)]
    if origin is list:
        return [get_args(annotation)[0]] if isinstance(part, int) else []
    if origin is dict:
        return [get_args(annotation)[1]]
    if isinstance(annotation, type) and issubclass(annotation, Model):
        return [_field_type(info) for name, info in annotation.model_fields.items()
                if part in (name, info.alias)]
    return []


def _models(annotation: Any) -> list[type[Model]]:
    annotation = _unwrap(annotation)
    if get_origin(annotation) in (Union, types.UnionType):
        return [model for member in get_args(annotation) for model in _models(member)]
    if get_origin(annotation) is list:  # `endpoint: {…}` is validated as a one-item list
        return _models(get_args(annotation)[0])
    return [annotation] if isinstance(annotation, type) and issubclass(annotation, Model) else []


def _keys(model: type[Model]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _field_type(info: FieldInfo) -> Any:
    """A field's type; for a section built on first use, its real one."""
    lazy = _lazy(info.metadata)
    return lazy.annotation() if lazy else info.annotation


def _lazy(metadata: Sequence[Any]) -> LazySection | None:
    return next((meta for meta in metadata if isinstance(meta, LazySection)), None)


def _unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        lazy = _lazy(annotation.__metadata__)
        annotation = lazy.annotation() if lazy else get_args(annotation)[0]
    return annotation


def _tag(annotation: Any) -> Any:
    if get_origin(annotation) is not Annotated:
        return None
    return next((meta.tag for meta in annotation.__metadata__ if isinstance(meta, Tag)), None)
