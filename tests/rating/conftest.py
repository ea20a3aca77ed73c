"""Fixtures shared by the app's test modules: the hand-made network of test_evidence (every
score known) serves the escalation tests too."""

from tests.rating.test_evidence import network  # noqa: F401  (a fixture, used by name)
