"""A closed cycle's revision changes with every write to its ratings and with every change of
its status, whoever writes (the app or raw SQL), and never with the open cycle's ratings; the
overview's leader-adjusted comparison is kept while the revisions stand and computed again
as soon as one changes, so what staff read is never older than the ratings."""

from datetime import date

import pytest
from sqlalchemy import text

from analysis import NETWORK_RULES, assess_standing
from rating.cycles.revisions import cycle_revisions_of
from rating.cycles.services import close_cycle, reopen_cycle
from rating.extensions import db
from rating.histograms import (
    RatingFilter,
    count_scores,
    cycles_in_range,
    department_types,
    rater_scores,
    standing_at,
)


def sql(statement: str, **values):
    with db.engine.begin() as connection:
        return connection.execute(text(statement), values).rowcount


def revision(cycle) -> str:
    db.session.rollback()  # a fresh read
    return cycle_revisions_of([cycle.id])[cycle.id]


@pytest.fixture
def closed_network(make_user, make_cycle, make_office, make_rating):
    """Eight leaders who each rated three offices in one closed cycle: BDO Gaighata far
    below the same leaders' other offices."""
    cycle = make_cycle("2026 Q3", status="closed", starts_on=date(2026, 7, 1),
                       ends_on=date(2026, 9, 30))
    offices = [make_office(), make_office("BDO-BAGDAH", place="bagdah"),
               make_office("DCPO-N24P", place="district", department="dcpo")]
    leaders = [make_user("leader", login=f"BJ-{100 + i}") for i in range(8)]
    for i, leader in enumerate(leaders):
        for office, score in zip(offices, (2 + i % 2, 8, 7 + i % 3), strict=True):
            make_rating(cycle, office, leader, score=score)
    return {"cycle": cycle, "offices": offices, "leaders": leaders}


def headline(office_id):
    criteria = RatingFilter()
    cycles = cycles_in_range(criteria)
    network = count_scores(criteria, cycles)
    return standing_at(criteria, cycles, cycles[-1], network, NETWORK_RULES), network, cycles


def computed_afresh(network, cycles):
    """The same standing from the ratings row by row, nothing kept."""
    return assess_standing(network, rater_scores(RatingFilter(), cycles[-3:]),
                           cycle=cycles[-1].id, peer_group=department_types(network.offices),
                           rules=NETWORK_RULES)


def test_the_open_cycles_ratings_leave_the_revision_alone_and_closing_sets_one(
        app, make_user, make_cycle, make_office, make_rating):
    cycle, office = make_cycle(), make_office()
    leader = make_user("leader")
    make_rating(cycle, office, leader, score=4)
    assert revision(cycle) == ""  # open: no revision
    sql("UPDATE ratings SET score = 5")
    assert revision(cycle) == ""
    close_cycle(cycle, early=True, today=date(2026, 12, 1))
    closed = revision(cycle)
    assert len(closed) == 32
    reopen_cycle(cycle, "a leader's rating was lost", grace_days=14)
    reopened = revision(cycle)
    assert reopened not in ("", closed)
    sql("UPDATE ratings SET score = 6")  # open again: no new revision
    assert revision(cycle) == reopened
    close_cycle(cycle, early=True, today=date(2026, 12, 1))
    assert revision(cycle) not in ("", closed, reopened)


def test_every_write_to_a_closed_cycles_ratings_gives_a_new_revision(
        app, closed_network, make_cycle, make_rating, make_user):
    cycle = closed_network["cycle"]
    seen = [revision(cycle)]
    assert seen[0]  # the fixture's inserts went into a closed cycle

    def changed():
        now = revision(cycle)
        assert now not in seen
        seen.append(now)

    sql("UPDATE ratings SET score = 9 WHERE score = 8 AND rater_key = "
        "(SELECT min(rater_key) FROM ratings)")
    changed()
    sql("UPDATE ratings SET quote_status = 'approved'")  # not a column the figures read
    assert revision(cycle) == seen[-1]
    late = make_rating(cycle, closed_network["offices"][0], make_user("leader", login="BJ-200"),
                       score=3, source="import")
    late_id = late.id
    changed()
    other = make_cycle("2026 Q2", status="closed", starts_on=date(2026, 4, 1),
                       ends_on=date(2026, 6, 30))
    before_other = revision(other)
    sql("UPDATE ratings SET cycle_id = :other WHERE id = :id", other=other.id, id=late_id)
    changed()
    assert revision(other) != before_other  # moved in: that cycle changed too
    sql("DELETE FROM ratings WHERE score = 9")
    changed()


def test_the_comparison_is_kept_until_a_closed_rating_changes(app, closed_network):
    gaighata = closed_network["offices"][0].id
    first, network, cycles = headline(gaighata)
    assert str(first.network[gaighata].flag) == "below_leaders_other_offices"
    again, _, _ = headline(gaighata)
    assert again.network is first.network  # kept: the ratings were not read again

    # The leaders' low scores of BDO Gaighata corrected upwards in the closed cycle.
    sql("UPDATE ratings SET score = 8 WHERE office_id = :office", office=gaighata)
    after, network, cycles = headline(gaighata)
    assert after.network is not first.network
    assert str(after.network[gaighata].flag) != "below_leaders_other_offices"
    fresh = computed_afresh(network, cycles)
    assert {o: (c.n, c.diff, str(c.flag)) for o, c in after.network.items()} == \
        {o: (c.n, c.diff, str(c.flag)) for o, c in fresh.network.items()}
    assert {o: (c.diff, str(c.flag)) for o, c in after.peers.items()} == \
        {o: (c.diff, str(c.flag)) for o, c in fresh.peers.items()}


def test_an_office_moved_to_another_department_is_compared_with_its_new_peers(
        app, closed_network, directory):
    bagdah = closed_network["offices"][1]
    before, _, _ = headline(bagdah.id)
    bagdah.department_type_id = closed_network["offices"][2].department_type_id
    db.session.commit()
    after, network, cycles = headline(bagdah.id)
    assert after.peers is not before.peers
    fresh = computed_afresh(network, cycles)
    assert {o: str(c.flag) for o, c in after.peers.items()} == \
        {o: str(c.flag) for o, c in fresh.peers.items()}


def test_recount_gives_every_cycle_a_new_revision(app, closed_network, runner):
    cycle = closed_network["cycle"]
    before = revision(cycle)
    result = runner.invoke(args=["recount"])
    assert result.exit_code == 0, result.output
    assert revision(cycle) not in ("", before)


def test_the_counts_of_closed_cycles_are_kept_until_a_rating_changes(
        app, closed_network, directory):
    cycle, gaighata = closed_network["cycle"], closed_network["offices"][0]
    cycles = cycles_in_range(RatingFilter())
    first = count_scores(RatingFilter(), cycles)
    assert count_scores(RatingFilter(), cycles) is first  # kept
    sql("DELETE FROM ratings WHERE office_id = :office AND score = 2", office=gaighata.id)
    after = count_scores(RatingFilter(), cycles_in_range(RatingFilter()))
    assert after is not first
    assert after.histogram(gaighata.id, cycle.id).n == 4
    # a filter through the directory is never kept: a moved office changes no revision
    block = RatingFilter(block_id=directory["gaighata"].id)
    assert count_scores(block, cycles) is not count_scores(block, cycles)
