"""`nyttokalk serve` as a person starts it: a real server in a subprocess on a free localhost port.
Several users at once, the time a result takes against the same API call in process, the token,
and the private folder that goes away with the server."""

from __future__ import annotations

import csv
import io
import re
import signal
import statistics
import stat
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web page needs the extra [web]: pip install '.[webtest]'")
httpx = pytest.importorskip("httpx", reason="the live-server tests use httpx: pip install '.[webtest]'")

import nyttokalk  # noqa: E402
from nyttokalk.web import choices  # noqa: E402
from webhelpers import EXAMPLE_PEOPLE, figures, serve  # noqa: E402

FORM = {"scenario": "example", "basis": "example", "lang": "sv",
        **choices.defaults(nyttokalk.load("example").scenario.model_dump(), "sv")}  # the page's form as the browser sends it


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve-tmp")
    with serve(env={"TMPDIR": str(tmp)}) as (url, proc):
        yield url, proc, tmp


def _post(client, body: bytes, name: str = "deltagare.csv", **headers):
    return client.post("/", data=FORM, files={"participants": (name, body, "text/csv")}, headers=headers)


def test_serve_binds_to_localhost_and_serves_the_page(server):
    url, _, tmp = server
    assert url.startswith("http://127.0.0.1:")
    r = httpx.get(url + "/")
    assert r.status_code == 200 and ">Beräkna<" in r.text
    assert httpx.get(url + "/static/htmx.min.js").status_code == 200
    folders = list(tmp.glob("nyttokalk-web-*"))  # the private folder for uploads: one, mode 700
    assert len(folders) == 1 and stat.S_IMODE(folders[0].stat().st_mode) == 0o700


def test_several_users_at_once_get_their_own_results(server):
    url, _, tmp = server
    lines = EXAMPLE_PEOPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    parts = [header + "".join(rows[i:i + 10]) for i in range(0, 40, 10)]  # four users, ten different participants each
    expected = [nyttokalk.run(_csv(tmp, k, p), "example", workers=1).first_year for k, p in enumerate(parts)]
    assert len({round(e["kommun"], 2) for e in expected}) == 4  # the four files give four different answers
    got: dict[int, list] = {}
    errors: list[BaseException] = []

    def user(k: int) -> None:
        try:
            with httpx.Client(base_url=url, timeout=60) as c:  # a browser of its own: its own session cookie
                for _ in range(3):
                    r = _post(c, parts[k].encode(), f"del-{k}.csv")
                    assert r.status_code == 200, r.text[-500:]
                    rid = re.search(r"/download/([\w-]+)/participants", r.text).group(1)
                    people = list(csv.DictReader(io.StringIO(c.get(f"/download/{rid}/participants").content.decode("utf-8-sig")), delimiter=";"))
                    got.setdefault(k, []).append((figures(r.text), [p["id"] for p in people], rid))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=user, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    for k in range(4):
        own_ids = [line.split(",")[0] for line in parts[k].splitlines()[1:]]
        for page, ids, _ in got[k]:
            assert page["kommun"]["first_year"] == repr(round(expected[k]["kommun"], 2))
            assert page["offentlig_sektor"]["first_year"] == repr(round(expected[k]["offentlig_sektor"], 2))
            assert ids == own_ids  # its own participants' results, nobody else's
    # a result id of one user opens nothing for another
    rid_of_0 = got[0][0][2]
    with httpx.Client(base_url=url) as stranger:
        assert stranger.get(f"/result/{rid_of_0}").status_code == 404
    assert [list(f.iterdir()) for f in tmp.glob("nyttokalk-web-*")] == [[]]  # every upload removed


def _csv(folder: Path, k: int, text: str) -> Path:
    path = folder / f"part-{k}.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _timings(c, body: bytes, rounds: int) -> tuple[float, float, float]:
    """Medians of interleaved timings (s): the page, the results only (what htmx asks for), and the
    same nyttokalk.run call in this process."""
    page, fragment, api = [], [], []
    for _ in range(rounds):
        t = time.perf_counter()
        r = _post(c, body)
        page.append(time.perf_counter() - t)
        assert r.status_code == 200 and '<table id="summary"' in r.text
        t = time.perf_counter()
        r = _post(c, body, **{"HX-Request": "true"})
        fragment.append(time.perf_counter() - t)
        assert '<table id="summary"' in r.text and "<html" not in r.text
        t = time.perf_counter()
        nyttokalk.run(EXAMPLE_PEOPLE, "example", workers=1)
        api.append(time.perf_counter() - t)
    return statistics.median(page), statistics.median(fragment), statistics.median(api)


def test_the_example_comes_back_within_one_and_a_half_times_the_api_call(server):
    """The page's answer to the example's upload, measured at the client (upload, run, page), against
    the same nyttokalk.run call in this process, on a warm server. The machine may be shared: a
    round whose ratio is over 1.5 is measured again, at most three rounds."""
    url, _, _ = server
    body = EXAMPLE_PEOPLE.read_bytes()
    rounds = []
    with httpx.Client(base_url=url, timeout=60) as c:
        for _ in range(3):  # warm: the server's first requests and this process's first run
            assert _post(c, body).status_code == 200
            nyttokalk.run(EXAMPLE_PEOPLE, "example", workers=1)
        for _ in range(3):
            page, fragment, api = _timings(c, body, 9)
            rounds.append((page, fragment, api))
            print(f"\nexample: api.run {api * 1000:.1f} ms, page {page * 1000:.1f} ms ({page / api:.2f}×), "
                  f"results only {fragment * 1000:.1f} ms ({fragment / api:.2f}×)")
            if max(page, fragment) / api <= 1.5:
                break
    page, fragment, api = rounds[-1]
    assert page < 1.0
    assert page / api <= 1.5 and fragment / api <= 1.5, rounds


def test_with_a_token_the_live_server_wants_it_on_every_request(tmp_path):
    token = "live-token-0123456789abcdef"
    with serve("--token", token) as (url, _):
        assert httpx.get(url + "/", follow_redirects=False).status_code == 303
        assert httpx.post(url + "/", data=FORM).status_code == 401
        assert httpx.get(url + "/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        with httpx.Client(base_url=url) as browser:
            assert browser.post("/login", data={"token": token}, follow_redirects=True).status_code == 200  # then the page
            assert _post(browser, EXAMPLE_PEOPLE.read_bytes()).status_code == 200


def test_stopping_the_server_removes_its_private_folder(tmp_path):
    with serve(env={"TMPDIR": str(tmp_path)}) as (url, proc):
        assert httpx.post(url + "/", data=FORM).status_code == 200
        assert len(list(tmp_path.glob("nyttokalk-web-*"))) == 1
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 143  # as every nyttokalk command ends on SIGTERM
    assert list(tmp_path.glob("nyttokalk-web-*")) == []
