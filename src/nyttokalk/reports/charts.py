"""Charts as PNG and SVG (matplotlib, Agg backend): the cumulative net per actor with the payback
months marked, and the tornado of a sensitivity run. Each file is written to a temporary file and
renamed into place; SVGs carry no date and fixed ids, so the same input gives the same file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..actors import PUBLIC
from ..analysis import Analysis
from ..i18n import localise, number
from .files import atomic_path
from .labels import labels


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "nyttokalk"
    plt.rcParams["svg.fonttype"] = "none"
    return plt


def _save(fig, paths: dict[str, Path]) -> list[Path]:
    out = []
    for ext, path in paths.items():
        meta = {"Date": None} if ext == "svg" else {"Software": None}
        with atomic_path(Path(path)) as tmp:
            fig.savefig(tmp, format=ext, dpi=120, metadata=meta, bbox_inches="tight")
        out.append(Path(path))
    return out


def _num(x, lang: str) -> str:
    return localise(f"{x:,.4g}", lang) if abs(x) < 1000 else localise(f"{x:,.0f}", lang)


def _kr(lang: str):
    """The amount axis' tick labels as the language writes them (3 678 665 / 3,678,665)."""
    return lambda x, _pos=None: number(x, 0, lang)


def chart_paths(workbook: Path) -> dict[str, Path]:
    """The PNG and SVG charts of the cumulative net written beside a workbook."""
    w = Path(workbook)
    stem = w.with_suffix("")
    return {ext: stem.with_name(stem.name + f"-cumulative.{ext}") for ext in ("png", "svg")}


def cumulative_chart(a: Analysis, paths: dict[str, Path], lang: str = "sv") -> list[Path]:
    """Cumulative net (effect − cost share) per actor by month; ◆ where an actor is paid back."""
    from matplotlib.ticker import FuncFormatter

    plt = _plt()
    L = labels(lang)
    cum = a.cumulative_net
    marks = a.payback_marks
    months = list(a.monthly.index)
    x = range(1, len(months) + 1)
    fig, ax = plt.subplots(figsize=(9, 5))
    try:
        for actor in a.actors:
            lw = 2.6 if actor == PUBLIC else 1.4
            series = cum[actor].to_numpy()
            (line,) = ax.plot(x, series, label=L[actor], linewidth=lw)
            if actor in marks:  # named in the legend: paybacks near zero in nearby months would overlap as labels
                m = marks[actor]
                ax.plot([m], [series[m - 1]], marker="D", markersize=8, color=line.get_color(), linestyle="none",
                        label=L["payback_marker"].format(actor=L[actor], months=m))
        ax.axhline(0, color="black", linewidth=0.8)
        step = max(1, len(months) // 12)
        ax.set_xticks(list(x)[::step], months[::step], rotation=45, ha="right", fontsize=8)
        ax.yaxis.set_major_formatter(FuncFormatter(_kr(L.lang)))
        ax.set_ylabel(L["chart.sek"])
        ax.set_xlabel(L["chart.month"])
        ax.set_title(f"{L['chart.cumulative']} · {a.meta['scenario']['name']}")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8, loc="best")
        return _save(fig, paths)
    finally:
        plt.close(fig)


def tornado_chart(rows: Sequence[dict], base: float, paths: dict[str, Path], title: str, lang: str = "sv") -> list[Path]:
    """Horizontal bars from the effect at the low value to the effect at the high value of each
    assumption, largest swing on top; the vertical line is the base case."""
    from matplotlib.ticker import FuncFormatter

    plt = _plt()
    L = labels(lang)
    unaffected = [r["key"] for r in rows if r["effect_low"] == base and r["effect_high"] == base]
    rows = [r for r in rows if r["key"] not in unaffected]  # no bar to draw: named below the chart
    fig, ax = plt.subplots(figsize=(9, 1.4 + 0.7 * max(len(rows), 1) + (0.3 if unaffected else 0)))
    try:
        def name(r):
            if r.get("low") is None:
                return r["key"]
            return f"{r['key']}\n({_num(r['low'], L.lang)} – {_num(r['high'], L.lang)})"

        names = [name(r) for r in rows][::-1]
        for i, r in enumerate(rows[::-1]):
            lo, hi = r["effect_low"], r["effect_high"]
            ax.barh(i, lo - base, left=base, color="#c0504d", height=0.6, label=L["sens.low"] if i == 0 else None)
            ax.barh(i, hi - base, left=base, color="#4f81bd", height=0.6, label=L["sens.high"] if i == 0 else None)
        ax.axvline(base, color="black", linewidth=0.8)
        ax.set_yticks(range(len(names)), names, fontsize=9)
        ax.xaxis.set_major_formatter(FuncFormatter(_kr(L.lang)))
        ax.set_xlabel(L["chart.sek"])
        ax.set_title(title)
        ax.grid(True, axis="x", alpha=0.3)
        if rows:
            ax.legend(fontsize=8, loc="lower right")
        if unaffected:
            fig.text(0.01, 0.01, L["sens.unaffected"].format(keys=", ".join(unaffected)), fontsize=8, ha="left", va="bottom")
            fig.subplots_adjust(bottom=max(fig.subplotpars.bottom, 0.18))
        return _save(fig, paths)
    finally:
        plt.close(fig)
