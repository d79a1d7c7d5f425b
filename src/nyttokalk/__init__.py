"""nyttokalk: public-finance cost–benefit calculator for Swedish labour-market projects.

    import nyttokalk
    result = nyttokalk.run("participants.csv", "example")

The API (run, compare, sensitivity, tax, rules, InputError, …) is imported when first used, so
that `import nyttokalk` and the command line start fast. See docs/api.md.
"""

from importlib.metadata import PackageNotFoundError, version

from .errors import InputError, Problem

try:
    __version__ = version("nyttokalk")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0+unknown"

_API = ("run", "compare", "sensitivity", "tax", "rules", "load", "Result", "Payback", "Horizon", "Outcome", "Rules")

__all__ = ["__version__", "InputError", "Problem", *_API]


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'nyttokalk' has no attribute {name!r}")
