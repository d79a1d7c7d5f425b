"""Where a run may write, and writing all of its files or none.

- A default output name is built from a scenario's name reduced to a safe file name in the
  current folder; a name never becomes a path.
- An output is refused when it is one of the run's inputs (or lies inside an input folder), a
  folder, an empty name, or in a folder that does not exist.
- `OutputSet` is a context manager: every file written inside it (reports/files.atomic_path)
  goes to a temporary name beside its target and is renamed into place only when the whole set
  has been written. On any error, Ctrl-C or SIGTERM, the temporary files are removed and nothing
  new remains. Temporary names carry the process id, so a later run removes those of a run that
  was killed outright (SIGKILL), which no program can clean up after itself.
"""

from __future__ import annotations

import os
import re
import signal
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError, Problem
from .i18n import _

SAFE_NAME_LENGTH = 80  # characters of a name taken from a scenario (a file name, not a limit of the law)
TEMP_MARK = "nyttokalk-tmp"


class Terminated(BaseException):
    """SIGTERM, raised like KeyboardInterrupt so that every clean-up runs."""


def on_sigterm() -> None:
    """Turn SIGTERM into Terminated in the main thread (the command line installs it)."""

    def handler(signum, frame):
        raise Terminated()

    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (a test runner): leave the default
        pass


def safe_name(text: str, fallback: str = "nyttokalk") -> str:
    """A scenario's name as a file name: letters (å, ä, ö too), digits, '.', '_' and '-' kept,
    anything else (separators, '..', spaces, control characters) replaced by '-', no leading dot,
    at most SAFE_NAME_LENGTH characters."""
    t = unicodedata.normalize("NFC", str(text))
    t = re.sub(r"[^\w.\-]+", "-", t, flags=re.UNICODE)
    t = re.sub(r"-{2,}", "-", re.sub(r"\.{2,}", "-", t)).strip(".-_ ")
    return t[:SAFE_NAME_LENGTH].rstrip(".-_ ") or fallback


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def check_target(path: Path, inputs: Iterable[Path], option: str = "--out") -> Path:
    """The output path, or an InputError naming the option when it cannot be written as asked."""
    text = str(path)
    if not text.strip():
        raise InputError([Problem(option, _("the output file name is empty"))], _("bad output path"))
    path = Path(path)
    if path.is_dir():
        raise InputError([Problem(text, _("is a folder; give a file name, e.g. {example}").format(example=path / _("result.xlsx")), column=option)],
                         _("bad output path"))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InputError([Problem(text, _("the folder {folder} does not exist").format(folder=parent), column=option)], _("bad output path"))
    for given in inputs:
        given = Path(given)
        if given.is_dir() and _inside(path, given):
            raise InputError([Problem(text, _("lies inside the input folder {folder}: a later run would read it as a participant file").format(
                folder=given), column=option)], _("output inside the input"))
        if _same(path, given) or (not path.exists() and path.resolve() == given.resolve()):
            raise InputError([Problem(text, _("is one of this run's inputs; choose another output name"), column=option)],
                             _("output would overwrite an input"))
    return path


class OutputSet:
    """All the files of one run, or none of them (see the module's docstring)."""

    _active: "OutputSet | None" = None

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []  # (temporary, final)

    @classmethod
    def active(cls) -> "OutputSet | None":
        return cls._active

    def __enter__(self) -> "OutputSet":
        if OutputSet._active is not None:
            raise AssertionError("output sets do not nest")
        OutputSet._active = self
        return self

    def add(self, tmp: Path, final: Path) -> None:
        self.pending.append((Path(tmp), Path(final)))

    def __exit__(self, kind, value, tb) -> None:
        OutputSet._active = None
        if kind is None:
            try:
                for tmp, final in self.pending:
                    os.replace(tmp, final)
                self.pending = []
                return
            except BaseException:
                self.discard()
                raise
        self.discard()

    def discard(self) -> None:
        for tmp, _ in self.pending:
            try:
                tmp.unlink()
            except OSError:
                pass
        self.pending = []

    def finals(self) -> list[Path]:
        return [f for _, f in self.pending]


def temp_prefix(final: Path) -> str:
    """The prefix of a temporary file beside `final`: hidden, marked and with this process's id."""
    return f".{final.name}.{TEMP_MARK}-{os.getpid()}-"


def remove_stale(folder: Path, name: str) -> None:
    """Temporary files of `name` in `folder` left by a run that was killed outright (its process is gone)."""
    pattern = re.compile(rf"^\.{re.escape(name)}\.{TEMP_MARK}-(\d+)-.*\.tmp$")
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return
    for f in entries:
        m = pattern.match(f.name)
        if m and not _alive(int(m.group(1))):
            try:
                f.unlink()
            except OSError:
                pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def private_tempdir(kind: str) -> Path:
    """A private temporary folder (mode 700) for one run's working files, named with the process id
    so that a later run can remove it if this process is killed outright (remove_stale_tempdirs)."""
    import tempfile

    remove_stale_tempdirs()
    return Path(tempfile.mkdtemp(prefix=f"nyttokalk-{kind}-{os.getpid()}-"))


def remove_stale_tempdirs() -> None:
    """Remove the temporary folders of nyttokalk runs whose process is gone."""
    import shutil
    import tempfile

    pattern = re.compile(r"^nyttokalk-[a-z]+-(\d+)-")
    try:
        entries = list(Path(tempfile.gettempdir()).iterdir())
    except OSError:
        return
    for d in entries:
        m = pattern.match(d.name)
        if m and d.is_dir() and not _alive(int(m.group(1))):
            shutil.rmtree(d, ignore_errors=True)


def die_with_parent() -> None:
    """In a worker process: end when the parent ends, even if it is killed outright (Linux's
    PR_SET_PDEATHSIG); elsewhere a no-op. SIGTERM in a worker ends it at once (no clean-up of its own)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and shuts the pool down
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
