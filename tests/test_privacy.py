"""Personnummer and samordningsnummer are recognised (privacy.py) one at a time and, for a whole id
column, vectorised: both must agree on every text."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as hs

from nyttokalk.privacy import looks_like_personnummer, personnummer_mask


def test_the_check_digit_decides():
    # 811218-9876: digits 8 1 1 2 1 8 9 8 7 weighted 2 1 2 1 …: 16→1+6, 1, 2, 2, 2, 8, 18→1+8, 8, 14→1+4 = 7+1+2+2+2+8+9+8+5 = 44,
    # check digit (10 − 44 mod 10) mod 10 = 6
    good = ["811218-9876", "8112189876", "19811218-9876", "198112189876", "811218+9876", " 811218-9876 ", "811278-9873"]
    bad = ["811218-9875", "811218--9876", "81121-89876", "811218-98761", "B00000001", "", "8112189876x", "811218 9876"]
    assert personnummer_mask(good).all() and not personnummer_mask(bad).any()
    assert [looks_like_personnummer(t) for t in good + bad] == personnummer_mask(good + bad).tolist()


texts = hs.text(alphabet=hs.sampled_from(list("0123456789-+ \t\x1cx١\x00")), max_size=30)


@settings(max_examples=300, deadline=None)
@given(hs.lists(texts, max_size=40))
def test_the_vectorised_check_agrees_with_the_one_at_a_time_check(values):
    assert personnummer_mask(np.array(values, dtype=object)).tolist() == [looks_like_personnummer(v) for v in values]
