"""python -m nyttokalk: the command line."""

from .cli import main

main()
