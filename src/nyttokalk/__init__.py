"""nyttokalk: public-finance cost–benefit calculator for Swedish labour-market projects.

    import nyttokalk
    result = nyttokalk.run("participants.csv", "example")

The API (run, compare, sensitivity, tax, rules, InputError, …) is imported when first used, so
that `import nyttokalk` and the command line start fast. See docs/api.md.
"""

from .errors import InputError, Problem

__version__ = "0.1.0"  # the one place of the version (pyproject reads it: [tool.hatch.version])

_API = ("run", "compare", "sensitivity", "tax", "rules", "load", "Result", "Payback", "Horizon", "Outcome", "Rules")

__all__ = ["__version__", "InputError", "Problem", *_API]


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'nyttokalk' has no attribute {name!r}")
