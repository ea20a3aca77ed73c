"""Directory rules found in review: search wildcards, one holder of a post at a time."""

from datetime import date

from rating.directory import services
from rating.directory.models import Officer
from rating.extensions import db


def test_percent_and_underscore_in_a_search_are_plain_characters(make_office):
    make_office(code="BDO-GAIGHATA")
    found = db.session.scalars(services.offices_statement(services.OfficeFilter(q="%"))).all()
    assert found == []
    found = db.session.scalars(services.offices_statement(services.OfficeFilter(q="_"))).all()
    assert found == []


def test_a_posting_recorded_late_ends_before_the_next_holder(make_office):
    office = make_office()
    current = Officer(name_en="Current Holder")
    earlier = Officer(name_en="Earlier Holder")
    db.session.add_all([current, earlier])
    services.post_officer(current, office, date(2026, 3, 1))
    services.post_officer(earlier, office, date(2025, 6, 1))
    assert services.officer_in_post(office.id, date(2026, 5, 1)).name_en == "Current Holder"
    assert services.officer_in_post(office.id, date(2025, 12, 1)).name_en == "Earlier Holder"
    assert sum(p.ended_on is None for p in office.postings) == 1
