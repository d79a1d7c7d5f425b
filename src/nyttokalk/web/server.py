"""`nyttokalk serve`: check the options, bind the socket, run uvicorn.

Refused before anything listens (InputError, exit 2 on the command line): the [web] extra not
installed; a host that is not a loopback address without a token; a token shorter than
MIN_TOKEN_LENGTH; a port that is taken or not allowed. Uvicorn's access log is off: the page
logs counts only (participants, problems, bytes), never a name, a file name or a value.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Callable

from ..errors import InputError, Problem
from ..i18n import _
from . import INSTALL, MIN_TOKEN_LENGTH, missing
from .security import is_loopback


def check(host: str, token: str | None) -> str | None:
    """The token to require (None: none), or an InputError saying why the server must not start."""
    absent = missing()
    if absent:
        raise InputError([Problem(file="nyttokalk serve", problem=_("the web page needs the extra [web] ({absent} missing): {install}").format(
            absent=", ".join(absent), install=INSTALL))], _("the web extra is not installed"))
    token = (token or "").strip() or None
    if token is None and not is_loopback(host):
        raise InputError([Problem(file="--host", value=host, problem=_("a host other than localhost makes the page reachable from other "
                                                                       "machines: give --token TOKEN (or set NYTTOKALK_TOKEN); every request "
                                                                       "then needs it"))],
                         _("a token is needed to serve beyond this machine"))
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise InputError([Problem(file="--token", problem=_("the token must have at least {n} characters (for example: {example})").format(
            n=MIN_TOKEN_LENGTH, example='python -c "import secrets; print(secrets.token_urlsafe(24))"'))], _("the token is too short"))
    return token


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port), or an InputError with the reason."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
    except (OSError, UnicodeError) as exc:
        raise InputError([Problem(file="--host", value=host, problem=_("not a host name or address here ({why})").format(why=exc.__class__.__name__))],
                         _("cannot serve on that host"))
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        why = _("the port is in use; choose another with --port") if exc.errno == 98 else (exc.strerror or _("cannot listen there"))
        raise InputError([Problem(file="--port", value=str(port), problem=_("{why} (host {host})").format(why=why, host=host))],
                         _("cannot serve on that port"))
    sock.set_inheritable(True)
    return sock


def url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(host: str = "127.0.0.1", port: int = 8000, token: str | None = None, echo: Callable[[str], None] = print) -> None:
    """Serve the page until Ctrl-C (or SIGTERM). Prints the address on one line first."""
    token = check(host, token)
    import uvicorn

    from .app import create_app

    sock = bind(host, port)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s nyttokalk.web %(message)s", stream=sys.stderr)
    app = create_app(token=token, local_only=is_loopback(host))
    from .flow import warm

    warm()
    config = uvicorn.Config(app, access_log=False, log_level="warning", server_header=False, proxy_headers=False, lifespan="on")
    echo(f"nyttokalk serve: {url(sock)}" + (" " + _("(token required)") if token else "") + " · " + _("Ctrl-C stops"))
    sys.stdout.flush()
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
