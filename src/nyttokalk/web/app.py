"""The web application: routes, uploads, rendering. `create_app()` builds it; `server.serve()` runs it.

    GET  /                       the page (?scenario=NAME&lang=sv|en)
    GET  /choices                the choices of a scenario (htmx swaps them in when the scenario changes)
    POST /                       compute: the page, or with htmx only the results
    GET  /result/ID              a kept result again (?lang= switches the language)
    GET  /download/ID/KIND       workbook | participants | per-actor-year (?run=1: the scenario compared with)
    GET  /login, POST /login, POST /logout   with a token only

Uploads are saved under random names in a private folder (mode 700) made for the request and
removed when its run is done; the run goes to a worker thread (at most RUNS_AT_ONCE at a time),
so the page keeps answering while a large file is computed.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from .. import __version__
from ..errors import Problem
from ..i18n import language
from ..privacy import mask
from ..reports.labels import labels
from . import MAX_SCENARIO_BYTES, MAX_UPLOAD_BYTES, RESULT_TTL_SECONDS, downloads, flow, view
from .choices import FIELDS, FUNDING_FIELDS
from .security import AUTH_COOKIE, Guard, auth_value
from .store import Store
from .texts import lang_of, texts

HERE = Path(__file__).parent
PARTICIPANT_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".parquet")
SCENARIO_SUFFIXES = (".yaml", ".yml")
RUNS_AT_ONCE = max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))
FORM_FIELDS = 64  # fields of the form, with room to spare
log = logging.getLogger("nyttokalk.web")


class Web:
    """The app's state: templates, kept results, the private folder for uploads, the run slots."""

    def __init__(self, token: str | None, max_body: int, store: Store | None) -> None:
        self.token = token
        self.max_body = max_body
        self.store = store or Store()
        self.slots = threading.BoundedSemaphore(RUNS_AT_ONCE)
        self.root = Path(tempfile.mkdtemp(prefix="nyttokalk-web-"))  # mode 700: only this user can look inside
        atexit.register(shutil.rmtree, self.root, True)
        self.env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)

    def render(self, name: str, p, **extra) -> str:
        ctx = dict(p=p, T=p.T if hasattr(p, "T") else texts(p.lang), L=labels(p.lang), version=__version__,
                   max_mb=self.max_body // (1024 * 1024), ttl_minutes=int(self.store.ttl // 60), login=self.token is not None, oob=False)
        ctx.update(extra)
        with language(p.lang):  # this request's language (requests run in threads: each its own)
            return self.env.get_template(name).render(**ctx)

    def message(self, request_or_scope, status: int, title_key: str, text: str, lang: str) -> HTMLResponse:
        T = texts(lang)
        p = SimpleNamespace(lang=lang, T=T, result_id=None, scenario=flow.EXAMPLE)
        hx = _is_htmx(request_or_scope)
        body = self.render("message_fragment.html" if hx else "message.html", p, title=T[title_key], text=text)
        return HTMLResponse(body, status_code=status)

    def refuse(self, scope, status: int, why: str) -> tuple[int, list, bytes]:
        """The Guard's answer: the login page, the too-large message, or a bad host."""
        lang = lang_of(_query(scope).get("lang"))
        T = texts(lang)
        if why == "host":
            return 400, [(b"content-type", b"text/plain; charset=utf-8")], b"Invalid host header\n"
        if why == "login":
            if _is_htmx(scope):
                return 401, [(b"hx-redirect", f"/login?lang={lang}".encode())], b""
            if scope.get("method") == "GET":
                return 303, [(b"location", f"/login?lang={lang}".encode())], b""
            return 401, [(b"content-type", b"text/html; charset=utf-8")], self.login_page(lang, wrong=False).encode()
        r = self.message(scope, 413, "too_large.title", T["too_large"].format(mb=self.max_body // (1024 * 1024)), lang)
        return 413, [(b"content-type", b"text/html; charset=utf-8")], r.body

    def login_page(self, lang: str, wrong: bool) -> str:
        return self.render("login.html", SimpleNamespace(lang=lang, T=texts(lang), result_id=None, scenario=flow.EXAMPLE), wrong=wrong)


def _query(scope) -> dict[str, str]:
    from urllib.parse import parse_qsl

    return dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))


def _is_htmx(request_or_scope) -> bool:
    headers = request_or_scope.headers if isinstance(request_or_scope, Request) else dict(request_or_scope.get("headers", []))
    value = headers.get("hx-request") if isinstance(request_or_scope, Request) else headers.get(b"hx-request")
    return value in ("true", b"true")


# ---- uploads ------------------------------------------------------------------------------------


def _filled(item) -> UploadFile | None:
    """A file field the person filled (a browser sends an empty part for an empty file field)."""
    if isinstance(item, UploadFile) and (item.filename or (item.size or 0) > 0):
        return item
    return None


def _save(item: UploadFile, folder: Path, suffixes: tuple[str, ...], limit: int | None, T: dict, wrong_type: str,
          problems: list[Problem]) -> flow.Upload | None:
    """The upload saved as folder/<random><suffix>: the person's file name only decides the suffix
    (one of `suffixes`) and is shown; it is never part of a path."""
    name = (item.filename or "").replace("\\", "/").rsplit("/", 1)[-1] or "upload"
    suffix = Path(name).suffix.lower()
    if suffix not in suffixes:
        problems.append(Problem(file=mask(name), problem=T[wrong_type], value=suffix or None))
        return None
    if limit is not None and (item.size or 0) > limit:
        problems.append(Problem(file=mask(name), problem=T["upload.scenario_size"].format(kb=limit // 1024)))
        return None
    target = folder / (secrets.token_hex(12) + suffix)
    item.file.seek(0)
    with open(target, "xb") as out:
        shutil.copyfileobj(item.file, out, 1024 * 1024)
    return flow.Upload(target, name)


def _submission(form, folder: Path) -> flow.Submission:
    """The form as a flow.Submission, the uploads saved in `folder`. Runs in the worker thread."""
    lang = lang_of(form.get("lang"))
    T = texts(lang)
    problems: list[Problem] = []
    people, scen = _filled(form.get("participants")), _filled(form.get("scenario_file"))
    text = {f.key: str(form.get(f.key) or "") for f in FIELDS + FUNDING_FIELDS if f.key in form}  # a field not sent: unchanged
    return flow.Submission(
        lang=lang, scenario=str(form.get("scenario") or flow.EXAMPLE),
        participants=_save(people, folder, PARTICIPANT_SUFFIXES, None, T, "upload.type", problems) if people else None,
        scenario_upload=_save(scen, folder, SCENARIO_SUFFIXES, MAX_SCENARIO_BYTES, T, "upload.scenario_type", problems) if scen else None,
        form=text, basis=str(form.get("basis") or flow.EXAMPLE), compare=str(form.get("compare") or ""), problems=problems)


# ---- the app ------------------------------------------------------------------------------------


def create_app(*, token: str | None = None, local_only: bool = True, max_upload_bytes: int = MAX_UPLOAD_BYTES,
               store: Store | None = None) -> FastAPI:
    """The web application. token: every request needs it (None: no login, for a local server);
    local_only: answer only requests addressed to localhost (a server bound to a loopback address)."""
    web = Web(token, max_upload_bytes, store)

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        yield
        shutil.rmtree(web.root, ignore_errors=True)

    app = FastAPI(title="nyttokalk", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.web = web
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _routes(app, web)
    _login_routes(app, web)
    app.add_middleware(Guard, token=token, local_only=local_only, max_body=max_upload_bytes, refuse=web.refuse)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        lang = lang_of(request.query_params.get("lang"))
        if exc.status_code == 413:
            status, headers, body = web.refuse(request.scope, 413, "too_large")
            return Response(body, status_code=status, headers={k.decode(): v.decode() for k, v in headers})
        T = texts(lang)
        return web.message(request, exc.status_code, "gone.title" if exc.status_code == 404 else "internal.title",
                           T["gone"].format(minutes=int(web.store.ttl // 60)) if exc.status_code == 404 else str(exc.detail), lang)

    return app


def _routes(app: FastAPI, web: Web) -> None:
    @app.get("/", response_class=HTMLResponse)
    def index(request: Request) -> HTMLResponse:
        lang = lang_of(request.query_params.get("lang"))
        name = request.query_params.get("scenario") or flow.EXAMPLE
        name = name if flow.is_bundled(name) else flow.EXAMPLE
        basis = flow.api.load(name).scenario.model_dump()
        return HTMLResponse(web.render("page.html", view.page(lang, scenario=name, basis=basis)))

    @app.get("/choices", response_class=HTMLResponse)
    def choices_of(request: Request) -> HTMLResponse:
        lang = lang_of(request.query_params.get("lang"))
        name = request.query_params.get("scenario") or flow.EXAMPLE
        name = name if flow.is_bundled(name) else flow.EXAMPLE
        p = view.page(lang, scenario=name, basis=flow.api.load(name).scenario.model_dump())
        return HTMLResponse(web.render("choices.html", p))

    @app.post("/", response_class=HTMLResponse)
    async def run(request: Request) -> HTMLResponse:
        lang = lang_of(request.query_params.get("lang"))
        try:
            form = await request.form(max_files=2, max_fields=FORM_FIELDS, max_part_size=64 * 1024)
        except HTTPException as exc:
            if exc.status_code == 413:
                raise
            return web.message(request, 400, "internal.title", texts(lang)["bad_form"].format(why=exc.detail), lang)
        try:
            outcome = await anyio.to_thread.run_sync(_compute, web, form)
        finally:
            await form.close()
        if isinstance(outcome, Exception):
            return web.message(request, 500, "internal.title", texts(lang)["internal"].format(kind=type(outcome).__name__), lang)
        weight = sum(int(r.result.meta.get("participants") or 0) for r in outcome.runs)
        rid = web.store.put(request.state.session, outcome, weight) if outcome.runs else None
        p = view.page(outcome.submission.lang, outcome=outcome, result_id=rid)
        if _is_htmx(request):
            return HTMLResponse(web.render("fragment.html", p, oob=True))
        return HTMLResponse(web.render("page.html", p), status_code=200 if outcome.error is None else 422)

    @app.get("/result/{rid}", response_class=HTMLResponse)
    def result(rid: str, request: Request) -> HTMLResponse:
        outcome = web.store.get(request.state.session, rid)
        if outcome is None:
            raise HTTPException(404)
        lang = lang_of(request.query_params.get("lang") or outcome.submission.lang)
        return HTMLResponse(web.render("page.html", view.page(lang, outcome=outcome, result_id=rid)))

    @app.get("/download/{rid}/{kind}")
    def download(rid: str, kind: str, request: Request) -> Response:
        outcome = web.store.get(request.state.session, rid)
        if outcome is None or kind not in downloads.KINDS:
            raise HTTPException(404)
        index = 1 if request.query_params.get("run") == "1" and len(outcome.runs) > 1 else 0
        run = outcome.runs[index]
        lang = lang_of(request.query_params.get("lang") or outcome.submission.lang)
        with web.slots:
            body = downloads.download(run.result, kind, view.actors_of(run.result), labels(lang), lang)
        log.info("download: %s, %d bytes", kind, len(body))
        return Response(body, media_type=downloads.MEDIA[kind],
                        headers={"content-disposition": f'attachment; filename="{downloads.file_name(run.scenario_name, kind)}"'})


def _compute(web: Web, form):
    """Save the uploads, compute, remove the uploads: in a worker thread, at most RUNS_AT_ONCE at a time.
    An exception that is not the person's input comes back as the value (it is shown by kind only)."""
    folder = Path(tempfile.mkdtemp(dir=web.root))
    start = time.perf_counter()
    try:
        with web.slots, language(lang_of(form.get("lang"))):  # the request's language for every text made while computing
            outcome = flow.compute(_submission(form, folder))
    except Exception as exc:  # a bug, a full disk: never a traceback with the person's data in the log
        log.error("internal error: %s", type(exc).__name__)
        return exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if outcome.error is not None:
        log.info("input problems: %d", len(outcome.error.problems))
    else:
        log.info("run: %d participants, %d scenario(s), %.2f s", outcome.runs[0].result.meta.get("participants", 0),
                 len(outcome.runs), time.perf_counter() - start)
    return outcome


def _login_routes(app: FastAPI, web: Web) -> None:
    if web.token is None:
        return

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return HTMLResponse(web.login_page(lang_of(request.query_params.get("lang")), wrong=False))

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=4, max_part_size=4096)
        lang = lang_of(form.get("lang"))
        given = str(form.get("token") or "")
        if not secrets.compare_digest(given.encode(), web.token.encode()):
            await anyio.sleep(0.5)  # a guess costs time
            log.info("login refused")
            return HTMLResponse(web.login_page(lang, wrong=True), status_code=401)
        response = RedirectResponse(f"/?lang={lang}", status_code=303)
        response.set_cookie(AUTH_COOKIE, auth_value(web.token), httponly=True, samesite="strict", path="/")
        return response

    @app.post("/logout")
    def logout() -> Response:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(AUTH_COOKIE, path="/")
        return response
