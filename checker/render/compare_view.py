"""The comparison's part of the Markdown report, from results.json's `compare` object: the
headline's new failures, and the "Compared with base" section (new failures, fixed checks,
the deltas with ▲/▼). Every string is escaped here; the base side came from another run."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checker.record import record
from checker.render import escape
from checker.results.compare import change_pct, number
from checker.results.model import KNOWN, Report

HEADLINE_NAMES = 5
_KNOWN = " (known, baselined)"


@record(eq=False, repr=False)
class DeltaTable:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    text_columns: int = 1  # the leading columns that are names (left-aligned), not numbers


@record(eq=False, repr=False)
class CompareView:
    heading: str  # "Compared with base (`abc1234`, [workflow run](…))"; "Not compared with base (…)"
    skipped: str  # why nothing was compared, or ""
    new: tuple[str, ...]
    fixed: tuple[str, ...]
    tables: tuple[DeltaTable, ...]


def headline(report: Report) -> str:
    """'**New failures:** `endpoint.latency` (svc) · ' before the counts, or ''."""
    listed = _entries(report, "new")
    known = _known(report)
    new = [e for e in listed if (e.get("id"), e.get("subject")) not in known]
    if not new:
        return ""
    names = [_name(e) for e in new[:HEADLINE_NAMES]]
    more = _count(report, "new") - (len(listed) - len(new)) - len(names)
    return "**New failures:** " + ", ".join(names) + (f" and {more} more" if more > 0 else "") + " · "


def build(report: Report, tables: bool = True) -> CompareView | None:
    compare = report.compare
    if not isinstance(compare, Mapping):
        return None
    skipped = compare.get("skipped")
    deltas = compare.get("deltas") if tables else None
    known = _known(report)
    return CompareView(
        heading=_heading(compare.get("base"), compared=not skipped),
        skipped=escape.inline(skipped, max_chars=500) if skipped else "",
        new=tuple(f"❌ {_name(e)}{_KNOWN if (e.get('id'), e.get('subject')) in known else ''}: "
                  f"{escape.inline(e.get('summary', ''), max_chars=300)}"
                  for e in _entries(report, "new")),
        fixed=tuple(f"✅ {_name(e)}" for e in _entries(report, "fixed")),
        tables=_tables(deltas) if isinstance(deltas, Mapping) else (),
    )


def _heading(base: Any, *, compared: bool) -> str:
    """'Compared with base (…)', or 'Not compared with base (…)' when the comparison was skipped."""
    base = base if isinstance(base, Mapping) else {}
    parts = [f"`{escape.inline(str(base['commit'])[:7])}`"] if base.get("commit") else []
    if escape.is_http_url(base.get("run_url")):
        parts.append(f"[workflow run]({base['run_url']})")
    if not parts:
        parts.append(escape.inline(base.get("source") or "base", max_chars=200))
    return f"{'Compared' if compared else 'Not compared'} with base ({', '.join(parts)})"


def _known(report: Report) -> set[tuple[str, str]]:
    """(id, subject) of the failures the baseline knows: new against the base, but not gating."""
    return {(c.id, c.subject) for c in report.checks if c.baseline == KNOWN}


def _entries(report: Report, kind: str) -> list[Mapping[str, Any]]:
    found = (report.compare or {}).get(kind)
    return [e for e in found if isinstance(e, Mapping)] if isinstance(found, list) else []


def _count(report: Report, kind: str) -> int:
    counted = (report.compare or {}).get(f"{kind}_count")
    return counted if isinstance(counted, int) else len(_entries(report, kind))


def _name(entry: Mapping[str, Any]) -> str:
    subject = f" ({escape.inline(entry['subject'], max_chars=120)})" if entry.get("subject") else ""
    return f"`{escape.inline(entry.get('id', ''), max_chars=80)}`{subject}"


def _tables(deltas: Mapping[str, Any]) -> tuple[DeltaTable, ...]:
    found = []
    latency = _mapping(deltas.get("latency"))
    if latency:
        found.append(DeltaTable(("Endpoint", "p50", "p95"), tuple(
            (escape.cell(name, max_chars=120), _ms(_mapping(v).get("p50_ms")), _ms(_mapping(v).get("p95_ms")))
            for name, v in latency.items())))
    for key, title in (("metrics", "Metric"), ("rows", "Data file (rows)")):
        values = _mapping(deltas.get(key))
        if values:
            found.append(DeltaTable((title, "Base", "Head", "Change"), tuple(
                (escape.cell(name, max_chars=120), *_plain_delta(_mapping(v)))
                for name, v in values.items())))
    psi = _mapping(deltas.get("psi"))
    if psi:
        found.append(DeltaTable(("Drift (PSI)", "Feature", "Base", "Head", "Change"), tuple(
            (escape.cell(entry, max_chars=120), escape.cell(feature, max_chars=60),
             *_plain_delta(_mapping(v)))
            for entry, features in psi.items() for feature, v in _mapping(features).items()), 2))
    return tuple(found)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _plain_delta(value: Mapping[str, Any]) -> tuple[str, str, str]:
    base, head = number(value.get("base")), number(value.get("head"))
    return _num(base), _num(head), _arrow(base, head, lambda d: f"{d:+.4g}")


def _ms(value: Any) -> str:
    pair = _mapping(value)
    base, head = number(pair.get("base")), number(pair.get("head"))
    if base is None or head is None:
        whole = [("–" if v is None else f"{v:.0f}") for v in (base, head)]
        return f"{whole[0]} → {whole[1]}" + (" ms" if base is not None or head is not None else "")
    pct = change_pct(base, head)
    change = _arrow(base, head, lambda d: f"{d:+.0f} ms" + (f" ({pct:+.0f}%)" if pct is not None else ""))
    return f"{base:.0f} → {head:.0f} ms {change}"


def _arrow(base: float | None, head: float | None, form: Any) -> str:
    if base is None or head is None:
        return "–"
    delta = head - base
    mark = "▲" if delta > 0 else "▼" if delta < 0 else "="
    return f"{mark} {form(delta)}" if delta else mark


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"
