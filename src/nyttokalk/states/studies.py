"""Studies with studiemedel at a municipal school (komvux, sfi)."""

from __future__ import annotations

import numpy as np

from .cells import Cells, MonthRules


def studier(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Studiestödslagen (1999:1395) 3 kap.: grant and loan per study week, spread over the year's months
    weeks_per_month = r.at("studies.studiemedel.weeks_per_year")[c.month] / 12
    return {
        "studiebidrag": r.at("studies.studiemedel.grant_per_week")[c.month] * weeks_per_month,
        "studielan": r.at("studies.studiemedel.loan_per_week")[c.month] * weeks_per_month,
        "studieplats": r.at("studies.study_place_cost")[c.month],
    }
