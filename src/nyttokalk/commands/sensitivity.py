"""`nyttokalk sensitivity`: how the answers move when the assumptions move.

One at a time (tornado): each declared numeric scenario assumption is set to its low and to its
high value with everything else at the scenario's value; the first-year effect for the public
sector and the payback are recorded. Monte Carlo: every assumption drawn at once, uniformly over
the same ranges, with a seeded numpy Generator; percentiles 5/50/95 of the first-year effect per
actor and of the public-sector payback.

A range is `key=low:high` in the key's own unit (`discount_rate=0:7`) or in percent of the
scenario's value (`wages.default=-10%:+10%`). The scenario schema has no key for declaring
ranges, so they come from the command line, or the defaults below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..actors import PUBLIC
from ..errors import InputError, Problem
from ..i18n import _, localise, share
from ..scenario import LoadedScenario

# Analysis conventions, not law: the ranges an evaluator usually argues about.
DEFAULT_RANGES = (
    "wages.default=-10%:+10%",
    "forsorjningsstod.reasonable_costs=-20%:+20%",
    "discount_rate=0:7",
    "project.cost=-25%:+25%",
)
PERCENTILES = (5, 50, 95)

_NUM = r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?"
_RANGE = re.compile(rf"^\s*([A-Za-z_][\w.]*)\s*=\s*({_NUM})(%?)\s*:\s*({_NUM})(%?)\s*$")


@dataclass
class Range:
    key: str
    spec: str
    base: float | None
    low: float
    high: float
    integer: bool = False


@dataclass
class Skipped:
    key: str
    spec: str
    reason: str


def _get(data: dict, key: str):
    node = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(key)
        node = node[part]
    return node


def _numeric_keys(data: dict, prefix: str = "") -> list[str]:
    out = []
    for k, v in data.items():
        if isinstance(v, dict):
            out += _numeric_keys(v, f"{prefix}{k}.")
        elif v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)):
            out.append(f"{prefix}{k}")
    return out


def parse_ranges(specs: list[str], ls: LoadedScenario, explicit: bool) -> tuple[list[Range], list[Skipped]]:
    """Parse `key=low:high` specs against the scenario. With explicit=False (the default set) a
    range that cannot apply (the scenario has no value to take a percentage of, or the value is 0)
    is left out with a reason; given on the command line it is an error."""
    import difflib

    from ..states import STATES
    from .compare import STATE_MAPS

    data = ls.scenario.model_dump()
    work = [sid for sid, st in STATES.items() if st.kind in ("work", "subsidised_work")]
    # productivity.nystartsjobb, displacement.arbete, …: varied whether or not the scenario sets them
    known = _numeric_keys(data) + [f"{m}.{sid}" for m in STATE_MAPS for sid in work if sid not in data.get(m, {})]
    ranges: list[Range] = []
    skipped: list[Skipped] = []
    problems: list[Problem] = []
    for spec in specs:
        m = _RANGE.match(spec)
        if not m:
            problems.append(Problem(file="--vary", value=spec, problem=_("expected KEY=LOW:HIGH, e.g. discount_rate=0:7 or wages.default=-10%:+10%")))
            continue
        key, lo, lo_pct, hi, hi_pct = m.groups()
        if key not in known:
            guess = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
            hint = (_("did you mean {guess}?").format(guess=repr(guess[0])) if guess else
                    _("numeric scenario keys: {keys}").format(keys=", ".join(known)))
            problems.append(Problem(file="--vary", column=key, value=spec, problem=_("not a numeric scenario key") + "; " + hint))
            continue
        if bool(lo_pct) != bool(hi_pct):
            problems.append(Problem(file="--vary", column=key, value=spec, problem=_("give both ends in percent or neither")))
            continue
        try:
            base = _get(data, key)
        except KeyError:  # a work state the scenario's map does not give: the rules' value (or none) applies
            base = None
        lo_v, hi_v = float(lo.replace(",", ".")), float(hi.replace(",", "."))
        if lo_pct:
            if base is None or base == 0:
                reason = _("the scenario has no value for it") if base is None else _("the scenario's value is 0")
                if explicit:
                    problems.append(Problem(file="--vary", column=key, value=spec,
                                            problem=_("a range in percent needs a value to vary: {reason}; give absolute values").format(reason=reason)))
                else:
                    skipped.append(Skipped(key, spec, reason))
                continue
            lo_v, hi_v = base * (1 + lo_v / 100), base * (1 + hi_v / 100)
        if lo_v > hi_v:
            problems.append(Problem(file="--vary", column=key, value=spec, problem=_("the low value is above the high value")))
            continue
        integer = isinstance(base, int) and not isinstance(base, bool)
        if integer:
            lo_v, hi_v = float(round(lo_v)), float(round(hi_v))
        ranges.append(Range(key, spec, None if base is None else float(base), lo_v, hi_v, integer))
    if problems:
        raise InputError(problems, _("bad --vary"))
    if len({r.key for r in ranges}) != len(ranges):
        dup = [r.key for r in ranges if [x.key for x in ranges].count(r.key) > 1][0]
        raise InputError([Problem(file="--vary", column=dup, problem=_("given more than once"))], _("bad --vary"))
    return ranges, skipped


def _value(r: Range, x: float):
    return int(round(x)) if r.integer else float(x)


@dataclass
class Outcome:
    first_year: dict[str, float]
    payback: dict[str, int | None]  # public sector: simple, discounted


def _outcome(a) -> Outcome:
    pb = a.payback.get(PUBLIC, {})
    return Outcome(dict(a.first_year), {"simple": pb.get("simple"), "discounted": pb.get("discounted")})


@dataclass
class Sensitivity:
    scenario: LoadedScenario
    base: Outcome
    ranges: list[Range]
    skipped: list[Skipped]
    tornado: list[dict]
    samples: int
    seed: int
    percentiles: dict[str, dict[str, float]] = field(default_factory=dict)
    payback_percentiles: dict[str, dict[str, float | None]] = field(default_factory=dict)
    reached_share: dict[str, float] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        r = lambda x: None if x is None else round(float(x), 2)  # noqa: E731
        return {
            "base": {"first_year": {a: r(v) for a, v in self.base.first_year.items()}, "payback_public": self.base.payback},
            "ranges": [{"key": x.key, "spec": x.spec, "base": x.base, "low": x.low, "high": x.high} for x in self.ranges],
            "skipped": [{"key": x.key, "spec": x.spec, "reason": x.reason} for x in self.skipped],
            "tornado": [{**row, "effect_low": r(row["effect_low"]), "effect_high": r(row["effect_high"]), "swing": r(row["swing"])} for row in self.tornado],
            "monte_carlo": None if not self.samples else {
                "samples": self.samples,
                "seed": self.seed,
                "first_year": {a: {k: r(v) for k, v in d.items()} for a, d in self.percentiles.items()},
                "payback_public": self.payback_percentiles,
                "payback_reached_share": self.reached_share,
            },
            "meta": self.meta,
        }


def tornado(ls: LoadedScenario, participants, ranges: list[Range], run) -> tuple[Outcome, list[dict]]:
    """One assumption at a time at its low and its high value. Rows sorted by the swing of the
    public sector's first-year effect, largest first (ties: by the swing of the payback)."""
    from .compare import with_values

    base = _outcome(run(ls, participants)[1])
    rows = []
    for r in ranges:
        lo = _outcome(run(with_values(ls, {r.key: _value(r, r.low)}), participants)[1])
        hi = _outcome(run(with_values(ls, {r.key: _value(r, r.high)}), participants)[1])
        e_lo, e_hi = lo.first_year[PUBLIC], hi.first_year[PUBLIC]

        def pb_swing(kind):
            a, b = lo.payback[kind], hi.payback[kind]
            return abs(b - a) if a is not None and b is not None else (0 if a == b else float("inf"))

        rows.append({
            "key": r.key, "base": r.base, "low": _value(r, r.low), "high": _value(r, r.high),
            "effect_low": e_lo, "effect_high": e_hi, "swing": abs(e_hi - e_lo),
            "payback_low": lo.payback["simple"], "payback_high": hi.payback["simple"],
            "discounted_payback_low": lo.payback["discounted"], "discounted_payback_high": hi.payback["discounted"],
            "_pb": (pb_swing("simple"), pb_swing("discounted")),
        })
    rows.sort(key=lambda x: (-x["swing"], -x["_pb"][0], -x["_pb"][1]))
    for row in rows:
        del row["_pb"]
    return base, rows


def monte_carlo(ls: LoadedScenario, participants, ranges: list[Range], samples: int, seed: int, run):
    """Draw every range at once, uniformly, `samples` times with numpy's Generator(seed)."""
    from .compare import with_values

    rng = np.random.default_rng(seed)
    lows = np.array([r.low for r in ranges])
    highs = np.array([r.high for r in ranges])
    draws = rng.uniform(lows, highs, size=(samples, len(ranges)))
    first: dict[str, list[float]] = {}
    payback: dict[str, list[float]] = {"simple": [], "discounted": []}
    for i in range(samples):
        values = {r.key: _value(r, draws[i, j]) for j, r in enumerate(ranges)}
        out = _outcome(run(with_values(ls, values), participants)[1])
        for a, v in out.first_year.items():
            first.setdefault(a, []).append(v)
        for k in payback:
            payback[k].append(np.inf if out.payback[k] is None else out.payback[k])
    pct = {a: {f"p{p}": float(np.percentile(np.array(v), p)) for p in PERCENTILES} for a, v in first.items()}
    pb_pct: dict[str, dict[str, float | None]] = {}
    reached = {}
    for k, v in payback.items():
        arr = np.array(v, dtype=float)
        reached[k] = float(np.isfinite(arr).mean()) if len(arr) else 0.0
        pb_pct[k] = {}
        for p in PERCENTILES:
            x = float(np.percentile(arr, p, method="inverted_cdf")) if len(arr) else np.inf  # an actual draw: "not reached" stays not reached
            pb_pct[k][f"p{p}"] = None if not np.isfinite(x) else int(x)
    return pct, pb_pct, reached


def sensitivity(scenario, participants, specs: list[str], samples: int, seed: int, id_key: str | None,
                progress=None) -> Sensitivity:
    """Tornado and Monte Carlo; progress(done, total) is called as the runs finish (as run_engine does).
    scenario: a name, path, dict or Scenario; participants: a file, a folder, a DataFrame or None
    (the scenario's own file). A file or a DataFrame is read once; a folder is computed part by
    part in every run."""
    import secrets

    from ..runner import Options, scenario_of, source
    from .compare import participants_for, run_variant

    if samples < 0:
        raise InputError([Problem(file="--samples", value=str(samples), problem=_("must be 0 (no Monte Carlo) or more"))], _("bad --samples"))
    ls = scenario_of(scenario)
    explicit = bool(specs)
    ranges, skipped = parse_ranges(list(specs) or list(DEFAULT_RANGES), ls, explicit)
    if not ranges:
        raise InputError([Problem(file="--vary", problem=_("no assumption to vary: {reasons}").format(
            reasons="; ".join(f"{s.key}: {s.reason}" for s in skipped)))], _("nothing to vary"))
    p = source(participants_for(ls, participants))
    opts = Options(id_key=id_key or secrets.token_hex(16))
    base_res, base_a = run_variant(ls, p, opts)
    total = 2 * len(ranges) + samples
    done = 0
    if progress is not None:
        progress(done, total)
    cache = {"base": (base_res, base_a)}

    def run(variant_ls, participants):
        nonlocal done
        if variant_ls is ls:
            return cache["base"]
        out = run_variant(variant_ls, participants, opts)
        done += 1
        if progress is not None:
            progress(done, total)
        return out

    base, rows = tornado(ls, p, ranges, run)
    s = Sensitivity(ls, base, ranges, skipped, rows, samples, seed, meta=dict(base_a.meta))
    if samples:
        s.percentiles, s.payback_percentiles, s.reached_share = monte_carlo(ls, p, ranges, samples, seed, run)
    s.meta["sensitivity"] = {"ranges": [x.spec for x in ranges], "samples": samples, "seed": seed}
    return s


# ---- output ------------------------------------------------------------------------------------


def render(s: Sensitivity, console, lang: str) -> None:
    """The tornado as two tables (the effects, then the payback: each fits a terminal of 100
    columns with every figure whole) and the Monte Carlo percentiles."""
    from ..reports.console import figures_table, print_text
    from ..reports.labels import labels

    L = labels(lang)
    print_text(console, L["sens.base_line"].format(effect=L.sek(s.base.first_year[PUBLIC]), payback=L.months(s.base.payback["simple"])))
    effects = [[row["key"], _num(row["base"], lang), _num(row["low"], lang), _num(row["high"], lang), L.sek(row["effect_low"]),
                L.sek(row["effect_high"]), L.sek(row["swing"])] for row in s.tornado]
    headers = [L[k] for k in ("sens.assumption", "sens.base", "sens.low", "sens.high", "sens.effect_low", "sens.effect_high", "sens.swing")]
    console.print(figures_table(L["sens.title"], headers, effects))
    paybacks = [[row["key"], *[L.months(row[k]) for k in ("payback_low", "payback_high", "discounted_payback_low", "discounted_payback_high")]]
                for row in s.tornado]
    headers = [L[k] for k in ("sens.assumption", "sens.payback_low", "sens.payback_high", "sens.dpayback_low", "sens.dpayback_high")]
    console.print(figures_table(L["sens.payback_title"], headers, paybacks))
    for sk in s.skipped:
        print_text(console, f"{L['sens.skipped']}: {sk.key} ({sk.spec}): {sk.reason}", "  ")
    if s.samples:
        rows = [[L["first_year"] + ": " + L[a], *[L.sek(d[f"p{p}"]) for p in PERCENTILES]] for a, d in s.percentiles.items()]
        rows += [[f"{L[k]}: {L[PUBLIC]}", *[L.months(d[f"p{p}"]) for p in PERCENTILES]] for k, d in s.payback_percentiles.items()]
        console.print(figures_table(L["sens.mc_title"].format(n=s.samples, seed=s.seed), [""] + [f"p{p}" for p in PERCENTILES], rows))
        print_text(console, f"{L['sens.reached']}: " + ", ".join(f"{L['console.' + k]} {share(v, lang=L.lang)}" for k, v in s.reached_share.items()))


def _num(x, lang: str | None = None) -> str:
    if x is None:
        return "–"
    return localise(f"{x:,.4g}", lang) if abs(x) < 1000 else localise(f"{x:,.0f}", lang)


def chart_paths(workbook: Path) -> dict[str, Path]:
    stem = Path(workbook).with_suffix("")
    return {ext: stem.with_name(stem.name + f"-tornado.{ext}") for ext in ("png", "svg")}


def write_charts(s: Sensitivity, workbook: Path, lang: str) -> list[Path]:
    from ..reports.charts import tornado_chart
    from ..reports.labels import labels

    L = labels(lang)
    return tornado_chart(s.tornado, s.base.first_year[PUBLIC], chart_paths(workbook), f"{L['sens.chart']} · {s.scenario.scenario.name}", lang)


def write_workbook(s: Sensitivity, path: Path, lang: str) -> Path:
    """Sheets Tornado (with a native bar chart: effect at the low and the high value, as a change
    from the base case), Monte Carlo, Antaganden and Om beräkningen."""
    from .. import __version__
    from ..reports.labels import SEK_FORMATS, labels
    from ..reports.xlsx import building, new_workbook, save

    L = labels(lang)
    sek = SEK_FORMATS[lang]
    wb = new_workbook(f"nyttokalk – {s.scenario.scenario.name} – {L['sheet.tornado']}", __version__)
    with building(wb):
        _tornado_sheet(wb, s, L, sek)
        if s.samples:
            _monte_carlo_sheet(wb, s, L, sek)
        _assumptions_and_about(wb, s, L)
        return save(wb, path)


def _tornado_sheet(wb, s: Sensitivity, L, sek: str) -> None:
    from ..reports.xlsx import BOLD, TITLE, Sheet, column_widths

    base_effect = s.base.first_year[PUBLIC]
    header = [L[k] for k in ("sens.assumption", "sens.base", "sens.low", "sens.high", "sens.effect_low", "sens.effect_high", "sens.swing",
                              "sens.payback_low", "sens.payback_high", "sens.dpayback_low", "sens.dpayback_high")]
    header += [L["sens.low"] + " − " + L["sens.base"], L["sens.high"] + " − " + L["sens.base"]]
    rows = []
    for row in s.tornado:
        rows.append([row["key"], row["base"], row["low"], row["high"], row["effect_low"], row["effect_high"], row["swing"],
                     *[row[k] if row[k] is not None else L["not_reached"] for k in ("payback_low", "payback_high", "discounted_payback_low", "discounted_payback_high")],
                     row["effect_low"] - base_effect, row["effect_high"] - base_effect])
    sh = Sheet(wb, L["sheet.tornado"], column_widths(header, rows), freeze="B4")
    sh.row([L["sens.title"]], font=TITLE)
    sh.row([L["sens.base_line"].format(effect=L.sek(base_effect), payback=L.months(s.base.payback["simple"]))])
    sh.row(header, font=BOLD, right_from=1)
    fmts = [None, "#,##0.##", "#,##0.##", "#,##0.##", sek, sek, sek, "0", "0", "0", "0", sek, sek]
    for r in rows:
        sh.row(r, fmts, right_from=1)
    for sk in s.skipped:
        sh.row([f"{L['sens.skipped']}: {sk.key} ({sk.spec}): {sk.reason}"])
    if rows:
        first, last = 4, 3 + len(rows)
        sh.ws.add_chart(_tornado_bars(L, sh.ws, first, last), f"A{last + 3 + len(s.skipped)}")


def _tornado_bars(L, ws, first: int, last: int):
    """The tornado as a native bar chart: columns 12 and 13 (low − base, high − base) of rows first–last."""
    from openpyxl.chart import BarChart, Reference, Series

    ch = BarChart()
    ch.type = "bar"
    ch.grouping = "clustered"
    ch.overlap = 100
    ch.title = L["sens.chart"]
    ch.height, ch.width = 3 + 1.3 * (last - first + 1), 22
    ch.legend.position = "b"
    for j, title in ((12, L["sens.low"]), (13, L["sens.high"])):
        ch.series.append(Series(Reference(ws, min_col=j, min_row=first, max_row=last), title=title))
    ch.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    ch.x_axis.delete = False
    ch.y_axis.delete = False
    ch.y_axis.number_format = "#,##0"
    ch.x_axis.scaling.orientation = "maxMin"  # largest swing on top
    ch.x_axis.tickLblPos = "low"  # assumption names beside the chart, not over the bars
    return ch


def _monte_carlo_sheet(wb, s: Sensitivity, L, sek: str) -> None:
    from ..reports.xlsx import BOLD, TITLE, Sheet

    mc = Sheet(wb, L["sheet.monte_carlo"], [44, 18, 18, 18], freeze="B3")
    mc.row([L["sens.mc_title"].format(n=s.samples, seed=s.seed)], font=TITLE)
    mc.row([L["sens.percentile"]] + [f"p{p}" for p in PERCENTILES], font=BOLD, right_from=1)
    for a, d in s.percentiles.items():
        mc.row([L["first_year"] + ": " + L[a]] + [d[f"p{p}"] for p in PERCENTILES], [None] + [sek] * 3, right_from=1)
    for k, d in s.payback_percentiles.items():
        mc.row([f"{L[k]}: {L[PUBLIC]}"] + [d[f"p{p}"] if d[f"p{p}"] is not None else L["not_reached"] for p in PERCENTILES], right_from=1)
    for k, v in s.reached_share.items():
        mc.row([f"{L['sens.reached']} ({L[k]})", v], "0%", right_from=1)
    mc.blank()
    mc.row([L["sens.range"]], font=BOLD)
    for r in s.ranges:
        mc.row([r.key, r.low, r.high, r.spec], "#,##0.##")


def _assumptions_and_about(wb, s: Sensitivity, L) -> None:
    from ..reports.excel import about_rows, scenario_rows
    from ..reports.xlsx import BOLD, Sheet, column_widths

    rows_a = scenario_rows(s.scenario, L)
    varied = {r.key for r in s.ranges}
    rows_a = [[k, v, L["origin.variant"] if k in varied else o] for k, v, o in rows_a]
    sa = Sheet(wb, L["sheet.assumptions"], [min(w, 60) for w in column_widths([L["key"], L["value"], L["origin"]], rows_a)], freeze="A2")
    sa.row([L["key"], L["value"], L["origin"]], font=BOLD)
    for r in rows_a:
        sa.row(r)
    about = about_rows(s.meta, L) + [[L["sens.seed"], s.seed], [L["sens.samples"], s.samples], [L["language"], L.lang]]
    so = Sheet(wb, L["sheet.about"], column_widths([L["item"], L["value"]], about), freeze="A2")
    so.row([L["item"], L["value"]], font=BOLD)
    for r in about:
        so.row(r)
