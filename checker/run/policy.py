"""The `checks:` policy of mlsmoke.yml: which checks are turned off, and which failures only warn.

A rule names check ids by glob (`endpoint.*`) and, optionally, subjects by glob; the last rule
that matches a result wins, so a general rule comes first and its exceptions after it. A rule
whose id matches no check in the registry is a config error.

- `off`: the engine does not run the check; it reports a skip saying where it was turned off.
- `warn`: a failure becomes a warning saying which line demoted it. An error (mlsmoke crashed,
  or an input could not be read) stays an error: it is not a verdict on the project.
- `error`: the default; it undoes an earlier rule for the ids and subjects it matches.

The runner applies it once, to each result after redaction and before the verdict.
"""

from __future__ import annotations

from dataclasses import replace
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from checker.checks.registry import CHECK_ORDER, FAMILIES
from checker.config.load import LoadedConfig
from checker.config.schema import Severity
from checker.errors import ConfigError, ConfigProblem
from checker.record import record

if TYPE_CHECKING:  # `mlsmoke validate` checks the rules without importing the results
    from checker.results.model import CheckResult


@record(eq=False, repr=False)
class Rule:
    """One `checks:` entry: a check id pattern, its severity and the subject it is for."""

    id: str
    severity: Severity
    subject: str | None
    line: int | None

    def matches(self, check_id: str, subject: str) -> bool:
        return fnmatchcase(check_id, self.id) and (self.subject is None or fnmatchcase(subject, self.subject))


@record(eq=False, repr=False)
class Policy:
    """The `checks:` section: the rules, in order, and the file they are in."""

    rules: tuple[Rule, ...] = ()
    file: str = "mlsmoke.yml"

    @classmethod
    def of(cls, loaded: LoadedConfig) -> Policy:
        """The config's policy; ConfigError naming every rule whose id matches no check."""
        rules = tuple(Rule(r.id, r.severity, r.subject, loaded.index.line(("checks", i)))
                      for i, r in enumerate(loaded.config.checks))
        problems = [ConfigProblem(loaded.display, loaded.index.line(("checks", i, "id")), f"checks[{i}].id",
                                  f"no check matches {rule.id!r}" + _did_you_mean(rule.id))
                    for i, rule in enumerate(rules) if not any(fnmatchcase(c, rule.id) for c in CHECK_ORDER)]
        if problems:
            raise ConfigError(problems)
        return cls(rules, loaded.display)

    def rule_for(self, check_id: str, subject: str) -> Rule | None:
        """The last rule matching a check of the registry on this subject."""
        if check_id not in CHECK_ORDER:
            return None  # the runner's own results (a group's fault, nothing checked) are not gated here
        return next((r for r in reversed(self.rules) if r.matches(check_id, subject)), None)

    def turned_off(self, check_id: str, subject: str) -> str | None:
        """Why this check is not run on this subject, or None when it runs."""
        rule = self.rule_for(check_id, subject)
        return self._off_reason(rule) if rule is not None and rule.severity == "off" else None

    def apply(self, result: CheckResult) -> CheckResult:
        """`result` as the policy gates it, noting the rule that changed it."""
        from checker.results.model import Status

        rule = self.rule_for(result.id, result.subject)
        if rule is None or rule.severity == "error":
            return result
        if rule.severity == "off":
            off = replace(result, policy={"severity": "off", "line": rule.line})
            return off if off.status is Status.SKIP else replace(off, status=Status.SKIP,
                                                                 summary=self._off_reason(rule))
        if result.status is not Status.FAIL:
            return result
        return replace(result, status=Status.WARN,
                       summary=f"{result.summary} (demoted by {self.file} line {rule.line})",
                       policy={"severity": "warn", "line": rule.line, "was": Status.FAIL.value})

    def _off_reason(self, rule: Rule) -> str:
        return f"turned off in {self.file} line {rule.line}"


def _did_you_mean(pattern: str) -> str:
    import difflib  # only to suggest a name in a message

    known = [*CHECK_ORDER, *(f"{family}.*" for family in FAMILIES)]
    close = difflib.get_close_matches(pattern, known, n=1, cutoff=0.5)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (the families: {', '.join(f'{f}.*' for f in FAMILIES)})"
