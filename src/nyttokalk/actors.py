"""The actors of the ledger: every list of actor ids in nyttokalk comes from here.

`offentlig_sektor` is not an actor of its own: it is the sum of the public actors. Report labels
are in reports/labels.py; ids are these.
"""

from __future__ import annotations

ACTORS = ("individ", "kommun", "region", "stat", "arbetsgivare")
PUBLIC_ACTORS = ("kommun", "region", "stat")
PUBLIC = "offentlig_sektor"  # kommun + region + stat
ALL = ACTORS + (PUBLIC,)  # the actors and the public sector, as every report lists them
EXTERNAL = "extern"  # outside the ledger's actors: production value and claims enter from it, resource use leaves to it
UNIT_COST_PAYERS = PUBLIC_ACTORS  # real resource use per person-month in a state (scenario unit_costs)


def with_public(values: dict) -> dict:
    """The per-actor values with offentlig_sektor added (the sum of the public actors)."""
    out = dict(values)
    out[PUBLIC] = sum(values[a] for a in PUBLIC_ACTORS)
    return out
