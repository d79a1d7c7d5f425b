"""The actors of the ledger: every list of actor ids in nyttokalk comes from here.

`offentlig_sektor` is not an actor of its own: it is the sum of the public actors. Report labels
are in reports/labels.py; ids are these.

- `pensionssystemet`: the ålderspension system (AP-fonderna, premiepensionen), outside the
  statsbudget (Årsredovisning för staten, "Ålderspensionssystemet vid sidan av statens budget"):
  it receives the ålderspensionsavgift of the employer fees, the individ's allmän pensionsavgift
  and the state's ålderspensionsavgift on benefits.
- `ovriga_kommuner`: the other kommuner and regioner, the counterpart of a kommun's and a region's
  kommunalekonomisk utjämning (the state's appropriation is fixed; a change in one kommun's grant
  goes to the others through the regleringspost).
"""

from __future__ import annotations

ACTORS = ("individ", "kommun", "region", "stat", "pensionssystemet", "ovriga_kommuner", "arbetsgivare")
PUBLIC_ACTORS = ("kommun", "region", "stat", "pensionssystemet", "ovriga_kommuner")
PUBLIC = "offentlig_sektor"  # the sum of PUBLIC_ACTORS
ALL = ACTORS + (PUBLIC,)  # the actors and the public sector, as every report lists them
EXTERNAL = "extern"  # outside the ledger's actors: production value and claims enter from it, resource use leaves to it
UNIT_COST_PAYERS = ("kommun", "region", "stat")
FUNDERS = ("individ", "kommun", "region", "stat", "arbetsgivare")  # who may carry a share of the project cost (project.funding)  # real resource use per person-month in a state (scenario unit_costs)

# Who employs a participant in a work state (participant column `employer`) and the actor whose
# cash the employer's flows are: a private or non-profit employer is the actor `arbetsgivare`, a
# public employer is that public actor itself.
EMPLOYERS = ("privat", "kommun", "region", "stat", "ideell")
EMPLOYER_ACTOR = {"privat": "arbetsgivare", "kommun": "kommun", "region": "region", "stat": "stat", "ideell": "arbetsgivare"}
PUBLIC_EMPLOYERS = ("kommun", "region", "stat")  # employers whose production is not cash (a memo)
_EMPLOYER_SPELLINGS = {
    "privat": "privat", "privat sektor": "privat", "foretag": "privat",
    "kommun": "kommun", "kommunen": "kommun", "kommunal": "kommun",
    "region": "region", "regionen": "region", "landsting": "region",
    "stat": "stat", "staten": "stat", "statlig": "stat",
    "ideell": "ideell", "ideell sektor": "ideell", "ideell forening": "ideell", "ideburen": "ideell",
}


def normalise_employer(text: str) -> str | None:
    """'Kommunen', ' Privat ', 'idéell' → 'kommun', 'privat', 'ideell'; None when not an employer kind."""
    import unicodedata

    t = unicodedata.normalize("NFKD", str(text).strip().casefold())
    t = " ".join("".join(ch for ch in t if not unicodedata.combining(ch)).replace("-", " ").replace("_", " ").split())
    return _EMPLOYER_SPELLINGS.get(t)


def with_public(values: dict) -> dict:
    """The per-actor values with offentlig_sektor added (the sum of the public actors)."""
    out = dict(values)
    out[PUBLIC] = sum(values[a] for a in PUBLIC_ACTORS)
    return out
