"""Errors a user can act on. Anything raised as InputError ends the CLI with exit code 2.

A problem's text is made in the language current where it is found (i18n.current(), set by the
entry point); its place ('row 3, column age') is written in the language current when it is shown."""

from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import _


@dataclass(frozen=True)
class Problem:
    """One problem in one input: where it is, what value was there, what is wrong."""

    file: str
    problem: str
    row: int | None = None  # 1-based line in the file (header = line 1) for tables
    column: str | None = None  # column name, or a YAML key path
    value: str | None = None
    line: int | None = None  # YAML line (1-based)
    col: int | None = None  # YAML column (1-based)

    def location(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        loc = ":".join(parts)
        if self.row is not None:
            loc += ", " + _("row {row}").format(row=self.row)
        if self.column:
            if self.line is not None:
                loc += f": {self.column}"
            elif self.file.endswith((".yaml", ".yml")) or self.file == "<dict>":  # a scenario's or rules file's key
                loc += ", " + _("key {key}").format(key=self.column)
            else:
                loc += ", " + _("column {column}").format(column=self.column)
        return loc

    def __str__(self) -> str:
        from .privacy import mask

        value = " (" + _("value {value}").format(value=repr(mask(self.value))) + ")" if self.value is not None else ""
        return mask(f"{self.location()}{value}: {self.problem}")


@dataclass
class InputError(Exception):
    """Bad input (participant file, scenario, rules, option). Carries every problem found."""

    problems: list[Problem] = field(default_factory=list)
    summary: str = field(default_factory=lambda: _("bad input"))

    def __post_init__(self) -> None:
        super().__init__(self.summary)

    def __reduce__(self):  # survives pickling (worker processes, Dask) with every problem
        return (type(self), (self.problems, self.summary))

    def __str__(self) -> str:
        lines = [self.summary] + [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


def input_error(file: str, problem: str, **kw) -> InputError:
    """One-problem InputError."""
    return InputError([Problem(file=file, problem=problem, **kw)], summary=problem)
