"""Limits on inputs. None of these is law: they are plausibility bounds (a value outside them is a
typing or export error, not a result) and bounds on the work a careless or hostile file can cause.
Each is stated in docs/user-guide.md ("What nyttokalk promises"); change both together."""

from __future__ import annotations

# --- participant values -------------------------------------------------------------------------

# SEK per month at full time. A lower wage is not a wage but a mistake, such as 21,5 for 21 500; the
# lowest full-time wages in Swedish collective agreements are far above it.
MIN_FULL_TIME_WAGE = 1_000
MAX_FULL_TIME_WAGE = 2_000_000
AGE_RANGE = (15, 100)  # years at the transition
MAX_MONTHS_UNEMPLOYED = 600
MAX_OBSERVED_AMOUNT = 200_000  # before_amount / after_amount, SEK per month
MAX_PRIOR_INCOME = 100_000_000  # SEK per year
MAX_HOUSING_COST = 1_000_000  # housing_cost, SEK per month

# Exit months (participant files and period.exit_month): from this year (a static calculation with
# period.rules_date may place exits before the first rules year) to the newest rules year plus this
# many projected years; rules_date: from the first rules year to the same latest year.
EARLIEST_EXIT_YEAR = 1990
MAX_PROJECTION_YEARS = 10

# --- sizes of participant files ------------------------------------------------------------------

MAX_CELL_CHARS = 32_767  # Excel's own limit for the text of a cell
MAX_ROW_BYTES = 2**20  # one line of a CSV file
MAX_COLUMNS = 200
MAX_XLSX_UNPACKED_BYTES = 2**30  # the parts of an .xlsx workbook, unpacked

# --- YAML (scenario and rules files) ---------------------------------------------------------------

MAX_YAML_BYTES = 2**20
MAX_YAML_NODES = 100_000  # keys, values and items, with every alias expanded
MAX_YAML_CHARS = 4 * 2**20  # characters of text, with every alias expanded
MAX_YAML_DEPTH = 50
MAX_INT_DIGITS = 30

# --- municipal tax tables (rules/municipalities/<year>.csv), percent ----------------------------

KOMMUN_RATE_MAX = 40.0
REGION_RATE_MAX = 20.0
BEGRAVNING_RATE_MAX = 2.0


def rule_years() -> tuple[int, int] | None:
    """The first and the newest year of the rules in use (bundled or NYTTOKALK_RULES_DIR); None without any."""
    from .ruleset.loader import available_years

    years = available_years()
    return (years[0], years[-1]) if years else None


def exit_years() -> tuple[int, int | None]:
    """The calendar years an exit month may fall in: (earliest, latest); latest None without rules."""
    years = rule_years()
    return EARLIEST_EXIT_YEAR, (years[1] + MAX_PROJECTION_YEARS if years else None)
