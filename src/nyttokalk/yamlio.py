"""Safe YAML loading that rejects duplicate keys and remembers where each key stands."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem

Path_ = tuple[Any, ...]


# libyaml's C parser when PyYAML was built with it (about ten times faster on the rule files);
# the same safe constructors either way.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """Safe loader that records the line of every node and rejects duplicate mapping keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<: *anchor` merges; explicit keys may override merged ones
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first at line {seen[key].start_mark.line + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node
    loader.flatten_mapping(node)
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _positions(node: yaml.Node, path: Path_, out: dict[Path_, tuple[int, int]]) -> None:
    """Record the position of every key (for mappings) and item (for sequences) below node."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            sub = path + (key_node.value,)
            out[sub] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _positions(value_node, sub, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[path + (i,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            _positions(item, path + (i,), out)


class YamlDoc:
    """A loaded YAML document with positions for error messages."""

    def __init__(self, path: Path, data: Any, positions: dict[Path_, tuple[int, int]]):
        self.path = path
        self.data = data
        self.positions = positions

    def where(self, loc: Path_) -> tuple[int | None, int | None]:
        """Line and column of the deepest known prefix of loc."""
        loc = tuple(loc)
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.positions.get((), (None, None))

    def problem(self, loc: Path_, message: str, value: Any = None) -> Problem:
        line, col = self.where(loc)
        key_path = ".".join(str(p) for p in loc) or "(top)"
        return Problem(
            file=str(self.path),
            line=line,
            col=col,
            column=key_path,
            problem=message,
            value=None if value is None else str(value),
        )


def load_yaml(path: Path) -> YamlDoc:
    """Load one YAML file safely; errors name file, line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(file=str(path), problem="file not found")], "file not found")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file=str(path), problem=f"not UTF-8 text ({exc.reason})")], "unreadable YAML")
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = Problem(
            file=str(path),
            line=mark.line + 1 if mark else None,
            col=mark.column + 1 if mark else None,
            problem=f"{exc.problem or exc.context}",
        )
        raise InputError([problem], f"invalid YAML in {path}")
    positions: dict[Path_, tuple[int, int]] = {}
    if node is not None:
        positions[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
        _positions(node, (), positions)
    return YamlDoc(path, data, positions)


_TYPE_TAG = re.compile(r"^[\w.]+\[.*\]$")  # e.g. "list[Piece]", "Leaf[float]"


def pydantic_problems(doc: YamlDoc, exc: Exception, known_keys: dict[Path_, list[str]] | None = None) -> list[Problem]:
    """Turn a pydantic ValidationError into Problems pointing into the YAML file."""
    problems = []
    for err in exc.errors():  # type: ignore[attr-defined]
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # pydantic adds the tag of a union member ("float", "list[...]") to the location: drop it
        loc = tuple(p for p in loc if not (isinstance(p, str) and (_TYPE_TAG.match(p) or p in {"float", "int", "str", "bool"})))
        msg = err["msg"]
        if err["type"] == "extra_forbidden" and known_keys is not None:
            parent = loc[:-1]
            options = known_keys.get(_strip_indices(parent), [])
            guess = difflib.get_close_matches(str(loc[-1]), options, n=1) if loc else []
            msg = "unknown key" + (f"; did you mean {guess[0]!r}?" if guess else "")
        value = err.get("input") if err["type"] != "missing" and not isinstance(err.get("input"), (dict, list)) else None
        problems.append(doc.problem(loc, msg, value))
    return problems


def _strip_indices(loc: Path_) -> Path_:
    return tuple(p for p in loc if not isinstance(p, int))
