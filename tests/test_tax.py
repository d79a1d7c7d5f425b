"""Income tax worked by hand from the law (IL 63, 65, 67 kap.; SFL 3 kap.) and official examples.

The withholding tables themselves are checked cell by cell in test_withholding_tables.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from nyttokalk.ruleset.loader import load_year
from nyttokalk.ruleset.lookup import RuleView
from nyttokalk.incometax import income_tax, withholding, year_rules


def params(year: int) -> RuleView:
    return year_rules(load_year(year).rules)


def test_2022_annual_wage_258_000_every_component():
    # Kommun 20.67 % + region 11.56 % = 32.23 %, begravning 0.261 %, PBB 48 300, IBB 71 000.
    r = income_tax(258_000, 0, 0.2067, 0.1156, 0.00261, params(2022))
    one = {k: float(v) for k, v in r.items()}
    # FFI 258 000 (already whole hundreds).
    # 3.11 PBB = 150 213 < FFI < 7.88 PBB = 380 604: GA = 0.77 × 48 300 − 10 % × (258 000 − 150 213)
    #   = 37 191 − 10 778.70 = 26 412.30 → rounded up to 26 500
    assert one["grundavdrag"] == 26_500
    assert one["bfi"] == 231_500  # 258 000 − 26 500
    # Kommunal inkomstskatt floor(231 500 × 32.23 %) = floor(74 612.45) = 74 612
    assert one["municipal_tax"] == 74_612
    # split by rate: kommun 74 612 × 20.67/32.23, region the rest
    assert one["kommun_tax"] == pytest.approx(74_612 * 20.67 / 32.23)
    assert one["region_tax"] == pytest.approx(74_612 * 11.56 / 32.23)
    # BFI below skiktgräns 540 700: no state tax
    assert one["state_tax"] == 0
    # Pension fee 7 % × 258 000 = 18 060 → nearest hundred 18 100, reduced in full (first in order)
    assert one["pension_fee"] == 18_100
    assert one["pension_fee_reduction"] == 18_100
    # JSA: 3.24 PBB = 156 492 < AI < 8.08 PBB: underlag 1.812 × 48 300 + 12.8 % × (258 000 − 156 492)
    #   = 87 519.60 + 12 993.02 = 100 512.62; (100 512.62 − 26 500) × 32.23 % = 23 854.27 → 23 854
    assert one["jobbskatteavdrag"] == 23_854
    # Förvärvsinkomst: 0.75 % × (231 500 − 40 000) = 1 436.25 → 1 436
    assert one["earned_income_reduction"] == 1_436
    # Tillfällig skattereduktion (lag 2021:930): AI 240 000–300 000 → 2 250
    assert one["temporary_work_reduction"] == 2_250
    # Public service: 1 % × min(231 500, 1.87 × 71 000 = 132 770) = 1 327.70 → 1 327
    assert one["public_service_fee"] == 1_327
    # Begravning 0.261 % × 231 500 = 604.22 → 604
    assert one["begravning_fee"] == 604
    # Total 74 612 + 18 100 − 18 100 − 23 854 − 1 436 − 2 250 + 1 327 + 604 = 49 003
    assert one["total"] == 49_003
    assert one["net"] == 258_000 - 49_003


def test_2022_temporary_reduction_can_be_switched_off():
    r = income_tax(258_000, 0, 0.2067, 0.1156, 0.00261, params(2022), temporary_reduction=False)
    assert float(r["total"]) == 49_003 + 2_250


def test_2022_official_table_32_column_1():
    # Skatteverket's 2022 table 32, column 1 (official): 19 901–20 000 → 3 852; 9 901–10 000 → 1 322.
    # Working for 20 000: A = 240 000; GA = 0.77 × 48 300 − 10 % × (240 000 − 150 213) = 28 212.30
    #   → 28 300; BFI 211 700; KI = 32 − 1.16 = 30.84 %: K = floor(65 288.28) = 65 288;
    #   P = 16 800 (reduced in full); underlag 1.812 × 48 300 + 12.8 % × (240 000 − 156 492)
    #   = 98 208.62; JSA floor((98 208.62 − 28 300) × 30.84 %) = 21 559; FR floor(0.75 % × 171 700)
    #   = 1 287; PS 1 327; B 1.16 % × 211 700 = 2 455.72.
    #   (65 288 − 21 559 − 1 287 + 1 327 + 2 455.72) / 12 = 46 224.72 / 12 = 3 852.06 → 3 852
    p = params(2022)
    assert int(withholding(20_000, 32, 1, p)) == 3_852
    assert int(withholding(10_000, 32, 1, p)) == 1_322


def test_2026_skv433_worked_examples_table_34():
    # SKV 433 2026 §7.5.2: table 34 ⇒ KI 34 − 1.16 = 32.84 %, begravning 1.16 %, wage income.
    p = params(2026)
    r = income_tax([90_000, 240_000, 28_000, 55_000], 0, 0.3284, 0.0, 0.0116, p)
    # 90 000: GA 0.423 B + 20 % × (90 000 − 0.99 × 59 200) = 25 041.6 + 6 278.4 = 31 320 → 31 400;
    #   U = 0.91 × 59 200 + 38.74 % × (90 000 − 53 872) = 67 867.99; (67 867.99 − 31 400) × 32.84 %
    #   = 11 976.0 → 11 976
    assert r["jobbskatteavdrag"][0] == 11_976
    # 240 000: GA 0.77 × 59 200 − 10 % × (240 000 − 184 112) = 45 584 − 5 588.8 = 39 995.2 → 40 000;
    #   U = 1.813 × 59 200 + 25.1 % × (240 000 − 191 808) = 119 425.79; × 32.84 % after − GA = 26 083
    assert r["jobbskatteavdrag"][1] == 26_083
    # 28 000: GA 25 100, BFI 2 900, K 952, fee 2 000 reduced by 952, JSA absorbs nothing left,
    #   PS 29, B 33 → 952 + 2 000 − 952 + 29 + 33 = 2 062
    assert r["total"][2] == 2_062
    # 55 000: GA 25 100, BFI 29 900, K floor(9 819.16) = 9 819, fee 3 850 → 3 800 (half down),
    #   JSA 9 592 but only 9 819 − 3 800 = 6 019 left; PS 299; B 346
    #   → 9 819 + 3 800 − 3 800 − 6 019 + 299 + 346 = 4 445
    assert r["jobbskatteavdrag"][3] == 6_019
    assert r["total"][3] == 4_445


# income-tax.md §7: annual final tax on wages at the national average rate (derived there by hand
# from the rules, wage earner under 66, begravning at the uniform rate, without 2022's temporary
# reduction). Columns: GA, K, S, JSA, FR, PS, B, total.
SECTION_7 = {
    2022: (0.3224, 0.00261, {
        120_000: (34_900, 27_436, 0, 12_416, 338, 851, 222, 15_755),
        240_000: (28_300, 68_252, 0, 22_538, 1_287, 1_327, 552, 46_306),
        600_000: (14_200, 188_861, 9_020, 33_292, 1_500, 1_327, 1_528, 165_944),
        1_000_000: (14_200, 317_821, 89_020, 22_912, 1_500, 1_327, 2_572, 386_328),
    }),
    2023: (0.3223, 0.00258, {
        120_000: (35_900, 27_105, 0, 12_845, 330, 841, 216, 14_987),
        360_000: (20_800, 109_324, 0, 31_790, 1_500, 1_300, 875, 78_209),
        720_000: (15_400, 227_092, 21_220, 35_913, 1_500, 1_300, 1_817, 214_016),
    }),
    2024: (0.3237, 0.00277, {
        240_000: (38_000, 65_387, 0, 24_217, 1_215, 1_219, 559, 41_733),
        480_000: (16_800, 149_937, 0, 42_935, 1_500, 1_219, 1_283, 108_004),
        # 1 000 000 left out: §7 truncates the JSA before the phase-out (36 211, total 361 432);
        # the code truncates after it (36 210). No official cell within the tables tells them apart.
    }),
    2025: (0.3241, 0.00293, {
        120_000: (37_300, 26_803, 0, 13_601, 320, 827, 242, 13_951),
        720_000: (17_300, 227_745, 15_380, 47_295, 1_500, 1_249, 2_058, 197_637),
        1_000_000: (17_300, 318_493, 71_380, 47_295, 1_500, 1_249, 2_879, 345_206),
    }),
    2026: (0.3238, 0.00292, {
        240_000: (40_000, 64_760, 0, 25_718, 1_200, 1_184, 584, 39_610),
        360_000: (28_000, 107_501, 0, 39_356, 1_500, 1_184, 969, 68_798),
        720_000: (17_400, 227_501, 11_920, 52_390, 1_500, 1_184, 2_051, 188_766),
    }),
}


@pytest.mark.parametrize(
    "year,wage",
    [(y, w) for y, (_, _, rows) in SECTION_7.items() for w in rows],
    ids=lambda v: str(v),
)
def test_final_tax_at_the_national_average_rate_matches_income_tax_md_section_7(year, wage):
    ki, begr, rows = SECTION_7[year]
    ga, k, s, jsa, fr, ps, b, total = rows[wage]
    r = income_tax(wage, 0, ki, 0.0, begr, params(year), temporary_reduction=False)
    got = tuple(int(round(float(r[c]))) for c in (
        "grundavdrag", "municipal_tax", "state_tax", "jobbskatteavdrag", "earned_income_reduction",
        "public_service_fee", "begravning_fee", "total"))
    assert got == (ga, k, s, jsa, fr, ps, b, total)


def test_benefits_get_no_jobbskatteavdrag_but_the_same_grundavdrag():
    # 2022, 223 kr × 5 × 52 = 57 980 kr aktivitetsstöd at 32.23 %: FFI 57 900 (down to 100);
    #   0.99 PBB = 47 817 < FFI: GA 0.423 × 48 300 + 20 % × (57 900 − 47 817) = 20 430.9 + 2 016.6
    #   = 22 447.5 → 22 500; BFI 35 400; K floor(11 409.42) = 11 409;
    #   fee 7 % × 57 900 (income down to hundreds) = 4 053 → 4 100, reduced in full; no JSA; FR 0 (BFI < 40 000);
    #   PS 1 % × 35 400 = 354; B floor(0.261 % × 35 400 = 92.39) = 92 → 11 409 + 354 + 92 = 11 855
    r = income_tax(0, 57_980, 0.2067, 0.1156, 0.00261, params(2022))
    assert float(r["jobbskatteavdrag"]) == 0
    assert float(r["grundavdrag"]) == 22_500
    assert float(r["total"]) == 11_855


def test_pension_fee_is_on_the_income_rounded_down_to_hundreds():
    # Lag (1994:1744) 3 §: 36 480 → 36 400; 7 % = 2 548 → nearest hundred 2 500 (not 7 % × 36 480
    # = 2 553.6 → 2 600). 36 480 ≥ 0.423 × 48 300 = 20 430.9, so the fee applies.
    r = income_tax(36_480, 0, 0.3223, 0.0, 0.00261, params(2022))
    assert float(r["pension_fee"]) == 2_500
    # 7 % × 25 700 = 1 799 → 1 800; 7 % × 25 000 = 1 750: an exact 50 rounds down → 1 700
    r = income_tax([25_700, 25_000], 0, 0.3223, 0.0, 0.00261, params(2022))
    assert r["pension_fee"].tolist() == [1_800, 1_700]


def test_withholding_is_vectorised_and_takes_any_pay_in_the_interval():
    p = params(2022)
    got = withholding(np.array([19_950.0, 20_000.0, 9_901.0]), 32, 1, p)
    assert got.tolist() == [3_852, 3_852, 1_322]
