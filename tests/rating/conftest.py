"""Fixtures shared by the app's test modules: the hand-made network of test_evidence (every
score known) and its packs serve the escalation and signature tests too."""

from tests.rating.test_evidence import (  # noqa: F401  (fixtures, used by name)
    any_pack,
    bn_pack,
    en_pack,
    network,
)
