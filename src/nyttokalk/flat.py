"""Nested values as flat dotted keys, and a value as one cell or one line of text.

Used by the workbooks (the Antaganden and Om beräkningen sheets, the summary's further figures)
and by `nyttokalk compare` (which scenario keys differ), so it belongs to neither.
"""

from __future__ import annotations


def flatten(d, prefix: str = "") -> dict[str, object]:
    """A nested dict as {"a.b.c": leaf}; an empty dict is one leaf."""
    out: dict[str, object] = {}
    if isinstance(d, dict) and d:
        for k, v in d.items():
            out.update(flatten(v, f"{prefix}{k}."))
        return out
    out[prefix[:-1]] = d
    return out


def model_leaves(model, prefix: str = "") -> dict[str, object]:
    """A pydantic model's leaves by dotted key: nested models are walked, anything else (a number,
    a text, a mapping such as project.funding, a list) is one leaf."""
    from pydantic import BaseModel

    out: dict[str, object] = {}
    for name in type(model).model_fields:
        v = getattr(model, name)
        if isinstance(v, BaseModel):
            out.update(model_leaves(v, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = v
    return out


def show(v) -> object:
    """A scenario or meta value for a cell: numbers stay numbers, lists are joined, None is empty."""
    if v is None:
        return "–"
    if isinstance(v, (list, tuple)):
        return "; ".join(str(x) for x in v) if v else "–"
    if isinstance(v, dict):
        return "–" if not v else ", ".join(f"{k}: {x}" for k, x in v.items())
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float, str)):
        return v
    return str(v)
