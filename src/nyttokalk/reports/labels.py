"""Swedish labels for actor ids."""

ACTOR_LABELS = {
    "individ": "Individ",
    "kommun": "Kommun",
    "region": "Region",
    "stat": "Stat",
    "arbetsgivare": "Arbetsgivare",
    "offentlig_sektor": "Offentlig sektor",
}


def sek(x: float | None) -> str:
    """12 345 kr with a thin-space thousands separator, as Swedish reports write it."""
    if x is None:
        return "–"
    return f"{x:,.0f}".replace(",", " ").replace("-", "−") + " kr"


def months(x: int | None) -> str:
    return "nås ej" if x is None else f"{x} mån"
