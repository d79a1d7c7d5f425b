"""Safe YAML loading that rejects duplicate keys and remembers where each key stands."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Problem
from .i18n import N_, Num, _
from .limits import MAX_INT_DIGITS, MAX_YAML_BYTES, MAX_YAML_CHARS, MAX_YAML_DEPTH, MAX_YAML_NODES

Path_ = tuple[Any, ...]


# libyaml's C parser when PyYAML was built with it (about ten times faster on the rule files);
# the same safe constructors either way.
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """Safe loader that records the line of every node and rejects duplicate mapping keys."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, yaml.Node] = {}
    for key_node, _value in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<: *anchor` merges; explicit keys may override merged ones
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, _("a list or a mapping cannot be a key (found an unhashable key)"), key_node.start_mark) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                _("duplicate key {key} (first at line {line})").format(key=repr(key), line=seen[key].start_mark.line + 1),
                key_node.start_mark,
            )
        seen[key] = key_node
    loader.flatten_mapping(node)
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    if len(node.value) > MAX_INT_DIGITS:  # Python refuses to convert over 4 300 digits; no setting needs 30
        raise _refuse(node, _("a whole number of {length} characters (at most {limit})").format(length=len(node.value), limit=MAX_INT_DIGITS))
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)

# what YAML accepts as text (PyYAML's reader): no control characters but tab and line ends
_NOT_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _positions(node: yaml.Node, path: Path_, out: dict[Path_, tuple[int, int]], seen: set[int]) -> None:
    """Record the position of every key (for mappings) and item (for sequences) below node. A node
    reached again through an alias is not walked again: keys below that alias resolve to its own key."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            sub = path + (key_node.value,)
            out[sub] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _positions(value_node, sub, out, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out[path + (i,)] = (item.start_mark.line + 1, item.start_mark.column + 1)
            _positions(item, path + (i,), out, seen)


def _refuse(node: yaml.Node, problem: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


def _check_size(root: yaml.Node) -> None:
    """Refuse a document that grows too large or too deep once its aliases are expanded (an alias
    bomb: nine anchors of ten aliases each make a billion items) or whose alias refers to a node that
    contains it. Each node is measured once (aliases share their node), so this takes time in
    proportion to the file, not to its expansion."""
    memo: dict[int, tuple[int, int, int]] = {}  # id(node) → (nodes, characters, height), expanded
    open_nodes: set[int] = set()

    def measure(node: yaml.Node, depth: int) -> tuple[int, int, int]:
        key = id(node)
        if key in open_nodes:
            raise _refuse(node, _("an alias refers to a node that contains it (a recursive alias)"))
        size = memo.get(key)
        if size is None:
            if depth > MAX_YAML_DEPTH:
                raise _refuse(node, _("nested more than {depth} levels deep").format(depth=MAX_YAML_DEPTH))
            if isinstance(node, yaml.ScalarNode):
                size = (1, len(node.value), 1)
            else:
                open_nodes.add(key)
                items = node.value if isinstance(node, yaml.SequenceNode) else [x for pair in node.value for x in pair]
                nodes, chars, height = 1, 0, 0
                for item in items:
                    n, c, h = measure(item, depth + 1)
                    nodes, chars, height = nodes + n, chars + c, max(height, h)
                    if nodes > MAX_YAML_NODES or chars > MAX_YAML_CHARS:
                        raise _refuse(node, _("with its aliases expanded the document holds more than {nodes} values or {chars} "
                                              "characters of text (aliases that repeat large parts, as in an alias bomb)").format(
                                                  nodes=Num(MAX_YAML_NODES), chars=Num(MAX_YAML_CHARS)))
                open_nodes.discard(key)
                size = (nodes, chars, height + 1)
            memo[key] = size
        if depth + size[2] - 1 > MAX_YAML_DEPTH:
            raise _refuse(node, _("nested more than {depth} levels deep").format(depth=MAX_YAML_DEPTH))
        return size

    measure(root, 1)


class YamlDoc:
    """A loaded YAML document with positions for error messages."""

    def __init__(self, path: Path, data: Any, positions: dict[Path_, tuple[int, int]] | None = None, node: yaml.Node | None = None):
        self.path = path
        self.data = data
        self._positions = positions
        self._node = node  # the positions are read from it when a problem needs one (most loads have none)

    @property
    def positions(self) -> dict[Path_, tuple[int, int]]:
        if self._positions is None:
            self._positions = {}
            if self._node is not None:
                self._positions[()] = (self._node.start_mark.line + 1, self._node.start_mark.column + 1)
                _positions(self._node, (), self._positions, set())
            self._node = None
        return self._positions

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


def _place(data, offset: int) -> tuple[int, int]:
    """1-based line and column of an offset into text or bytes."""
    newline = "\n" if isinstance(data, str) else b"\n"
    return data.count(newline, 0, offset) + 1, offset - (data.rfind(newline, 0, offset) + 1) + 1


def _read_text(path: Path) -> str:
    """The file as text: at most MAX_YAML_BYTES, UTF-8, no control characters; else an InputError with the place."""
    def fail(problem: str, line: int | None = None, col: int | None = None) -> InputError:
        return InputError([Problem(file=str(path), problem=problem, line=line, col=col)], _("unreadable YAML file {path}").format(path=path))

    try:
        if path.stat().st_size > MAX_YAML_BYTES:
            raise fail(_("the file has {size} bytes; a scenario or rules file may have at most {limit}").format(
                size=Num(path.stat().st_size), limit=Num(MAX_YAML_BYTES)))
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(file=str(path), problem=_("file not found"))], _("file not found")) from None
    except OSError as exc:  # a folder, no permission, …
        raise fail(_("cannot read: {why}").format(why=exc.strerror or type(exc).__name__)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _place(raw, exc.start)
        raise fail(_("not UTF-8 text: byte {byte} ({reason}); save the file as UTF-8").format(byte=f"0x{raw[exc.start]:02x}", reason=exc.reason),
                   line, col) from None
    bad = _NOT_PRINTABLE.search(text)
    if bad:
        line, col = _place(text, bad.start())
        raise fail(_("the control character {char} is not allowed in YAML").format(char=f"U+{ord(bad.group()):04X}"), line, col)
    return text


def load_yaml(path: Path) -> YamlDoc:
    """Load one YAML file safely, with its aliases expanded under a limit of size and depth; errors
    name file, line and column."""
    text = _read_text(path)
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            if node is not None:
                _check_size(node)
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
        raise InputError([problem], _("invalid YAML in {path}").format(path=path))
    except (yaml.YAMLError, RecursionError) as exc:  # errors without a place (the text was checked above)
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError([Problem(file=str(path), problem=_("cannot read as YAML: {why}").format(why=why))],
                         _("invalid YAML in {path}").format(path=path)) from None
    return YamlDoc(path, data, node=node)


_TYPE_TAG = re.compile(r"^[\w.]+\[.*\]$")  # e.g. "list[Piece]", "Leaf[float]"


def pydantic_problems(doc: YamlDoc, exc: Exception, known_keys: dict[Path_, list[str]] | None = None) -> list[Problem]:
    """Turn a pydantic ValidationError into Problems pointing into the YAML file."""
    problems = []
    for err in exc.errors():  # type: ignore[attr-defined]
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        # pydantic adds the tag of a union member ("float", "list[...]") to the location: drop it
        loc = tuple(p for p in loc if not (isinstance(p, str) and (_TYPE_TAG.match(p) or p in {"float", "int", "str", "bool"})))
        msg = pydantic_message(err)
        if err["type"] == "extra_forbidden" and known_keys is not None:
            parent = loc[:-1]
            options = known_keys.get(_strip_indices(parent), [])
            guess = difflib.get_close_matches(str(loc[-1]), options, n=1) if loc else []
            msg = _("unknown key") + ("; " + _("did you mean {guess}?").format(guess=repr(guess[0])) if guess else "")
        value = err.get("input") if err["type"] != "missing" and not isinstance(err.get("input"), (dict, list)) else None
        problems.append(doc.problem(loc, msg, value))
    return problems


def _strip_indices(loc: Path_) -> Path_:
    return tuple(p for p in loc if not isinstance(p, int))


# pydantic's errors by their type, in the words of nyttokalk (pydantic's own message, in English, for any other)
PYDANTIC_MESSAGES = {
    "missing": N_("required key is missing"),
    "extra_forbidden": N_("unknown key"),
    "greater_than_equal": N_("must be at least {ge}"),
    "greater_than": N_("must be more than {gt}"),
    "less_than_equal": N_("must be at most {le}"),
    "less_than": N_("must be less than {lt}"),
    "int_type": N_("expected a whole number"),
    "int_parsing": N_("expected a whole number"),
    "int_from_float": N_("expected a whole number"),
    "float_type": N_("expected a number"),
    "float_parsing": N_("expected a number"),
    "finite_number": N_("expected a finite number"),
    "bool_type": N_("expected true or false"),
    "bool_parsing": N_("expected true or false"),
    "string_type": N_("expected a text"),
    "list_type": N_("expected a list"),
    "dict_type": N_("expected a mapping of keys"),
    "model_type": N_("expected a mapping of keys"),
    "model_attributes_type": N_("expected a mapping of keys"),
    "literal_error": N_("expected {expected}"),
    "date_type": N_("expected a date as YYYY-MM-DD"),
    "date_parsing": N_("expected a date as YYYY-MM-DD"),
    "date_from_datetime_parsing": N_("expected a date as YYYY-MM-DD"),
    "date_from_datetime_inexact": N_("expected a date as YYYY-MM-DD"),
}


def pydantic_message(err: dict) -> str:
    """One pydantic error as a problem in the current language: our own ValueError's text, or the
    error type's words with its limits (numbers in the language's writing)."""
    ctx = err.get("ctx") or {}
    if err["type"] in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"])
    template = PYDANTIC_MESSAGES.get(err["type"])
    if template is None:
        return err["msg"]
    values = {k: Num(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v for k, v in ctx.items()}
    if err["type"] == "literal_error":
        values["expected"] = _literal_choices(str(ctx.get("expected", "")))
    try:
        return _(template).format(**values)
    except (KeyError, IndexError):
        return err["msg"]


def _literal_choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" in the current language ("'a', 'b' eller 'c'")."""
    head, sep, last = expected.rpartition(" or ")
    return _("{choices} or {last}").format(choices=head, last=last) if sep else expected
