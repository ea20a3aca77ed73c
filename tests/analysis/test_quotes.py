"""Quotes leave the network without names or numbers."""

import pytest

from analysis import NAME_REMOVED, NUMBER_REMOVED, redact_quote


@pytest.mark.parametrize("text,names,expected", [
    ("Call me on 9830012345", [], f"Call me on {NUMBER_REMOVED}"),
    ("ফোন ৯৮৩০০ ১২৩৪৫ এ করুন", [], f"ফোন {NUMBER_REMOVED} এ করুন"),
    ("+91 98300-12345 is his", [], f"{NUMBER_REMOVED} is his"),
    ("mail a.b@example.org now", [], f"mail {NUMBER_REMOVED} now"),
    ("Mr Ghosh shouted", [], f"{NAME_REMOVED} shouted"),
    ("Smt. Rina Mondal helped", [], f"{NAME_REMOVED} helped"),
    ("শ্রী দাস কাজ করেননি", [], f"{NAME_REMOVED} কাজ করেননি"),
    ("tapas das sent me away", ["Tapas Das"], f"{NAME_REMOVED} sent me away"),
    ("BJ-017 came with me", [], f"{NAME_REMOVED} came with me"),
    ("The BDO listened, the work was done in 2 weeks", ["Das"],
     "The BDO listened, the work was done in 2 weeks"),
])
def test_names_and_numbers_are_removed(text, names, expected):
    assert redact_quote(text, names) == expected


def test_a_name_inside_another_word_stays():
    assert redact_quote("Dasghara village", ["Das"]) == "Dasghara village"


def test_not_text_is_refused():
    with pytest.raises(ValueError, match="text"):
        redact_quote(None)
