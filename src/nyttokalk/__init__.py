"""nyttokalk: public-finance cost–benefit calculator for Swedish labour-market projects."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nyttokalk")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0+unknown"
