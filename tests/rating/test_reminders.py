"""The staff's daily digest, sent over real SMTP to a real server (aiosmtpd) running in this
test process, and read as it arrived: its figures, its language, at most one a day."""

import email
import email.policy
import socket
from datetime import date, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from rating.escalation import services as trail
from rating.extensions import db
from rating.reminders.models import ReminderDigest
from rating.reminders.services import build_digest, send_daily_digests
from rating.timeutil import local_today

TODAY = date(2026, 12, 1)


class Inbox:
    """An SMTP server's handler: keeps every message; refuses the addresses in ``refuse``."""

    def __init__(self):
        self.envelopes, self.refuse = [], set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def messages(self) -> dict[str, email.message.EmailMessage]:
        """Each message by its recipient, parsed."""
        found = {}
        for envelope in self.envelopes:
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            for address in envelope.rcpt_tos:
                found[address] = message
        return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_ENABLED=True, MAIL_HOST="127.0.0.1", MAIL_PORT=controller.port,
                      MAIL_TLS="none", MAIL_SENDER="ratings@network.example",
                      ORGANISATION_NAME="Test network", PUBLIC_URL="https://ratings.example")
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def network(make_cycle, make_user, make_office, make_rating):
    """A cycle closing in 2 days with 3 ratings by 2 of 3 leaders, one opening in 3 days, a
    promise due in 5 days, and letters at three levels with no answer."""
    closing = make_cycle("2026 Q4", status="open", starts_on=date(2026, 10, 1),
                         ends_on=TODAY + timedelta(days=2))
    opening = make_cycle("2027 Q1", status="draft", starts_on=TODAY + timedelta(days=3),
                         ends_on=date(2027, 3, 31))
    opening.follows_dates = True
    leaders = [make_user("leader", login=f"BJ-00{n}") for n in range(1, 4)]
    office, other = make_office("BDO-GAIGHATA"), make_office("BDO-BAGDAH", place="bagdah")
    make_rating(closing, office, leaders[0])
    make_rating(closing, other, leaders[0])
    make_rating(closing, office, leaders[1])

    def letter(level, days_ago, recipient):
        return trail.record_action(kind="letter", acted_on=TODAY - timedelta(days=days_ago),
                                   level=level, recipient=recipient, asked="Answer us",
                                   office_ids=[office.id])

    block = letter("block", 16, "BDO Gaighata")  # 15 days: overdue since yesterday
    letter("district", 20, "DM North 24 Parganas")  # 30 days: not yet
    letter("state", 46, "Principal Secretary")  # 45 days: overdue
    trail.add_commitment(block, what="Send the housing list", by_whom="BDO",
                         due_on=TODAY + timedelta(days=5))
    trail.add_commitment(block, what="Visit the village", by_whom="BDO",
                         due_on=TODAY + timedelta(days=8))  # beyond 7 days: not yet
    return {"closing": closing, "opening": opening}


@pytest.fixture
def readers(make_user):
    english = make_user("staff", login="asha", display_name="Asha", language="en")
    english.email = "asha@network.example"
    bengali = make_user("staff", login="rina", display_name="Rina", language="bn")
    bengali.email = "rina@network.example"
    unsubscribed = make_user("staff", login="mita", display_name="Mita")
    unsubscribed.email, unsubscribed.daily_digest = "mita@network.example", False
    advocacy = make_user("advocacy", login="adv", display_name="Adv")
    advocacy.email = "adv@network.example"
    db.session.commit()
    return english, bengali


def test_the_digest_arrives_with_its_figures(inbox, network, readers):
    assert send_daily_digests(TODAY) == {"sent": 2, "already": 0, "failed": 0}
    messages = inbox.messages()
    assert set(messages) == {"asha@network.example", "rina@network.example"}

    english = messages["asha@network.example"]
    assert english["Subject"] == "Ratings: what needs doing, 2026-12-01"
    assert english["From"] == "Test network <ratings@network.example>"
    body = english.get_content()
    assert "Hello Asha," in body
    assert "2027 Q1 opens in 3 days, on December 4, 2026." in body
    assert "2026 Q4 closes in 2 days, after December 3, 2026." in body
    # participation so far, in the bands an open cycle is shown in: 2 raters, 3 ratings
    assert "Bijoyini: 0-9 of 3 leaders, 0-9 ratings" in body
    assert f"https://ratings.example/cycles/{network['closing'].id}/leaders" in body
    assert "Due on Dec 6, 2026: Send the housing list (BDO)" in body
    assert "Visit the village" not in body
    assert "Block: 1 answer overdue" in body and "BDO Gaighata: answer due by Nov 30, 2026" in body
    assert "State: 1 answer overdue" in body and "Principal Secretary" in body
    assert "District" not in body and "DM North 24 Parganas" not in body

    bengali = messages["rina@network.example"].get_content()
    assert "নমস্কার Rina," in bengali
    assert "== আগামী ৩ দিনে যে পর্ব খুলছে বা বন্ধ হচ্ছে ==" in bengali
    assert "2026 Q4 আর ২ দিনে বন্ধ হবে, ৩ ডিসেম্বর, ২০২৬-এর পরে।" in bengali
    assert "বিজয়িনী: ৩ জন নেত্রীর মধ্যে ০-৯ জন, ০-৯টি রেটিং" in bengali
    assert "Hello" not in bengali and "closes in" not in bengali
    assert messages["rina@network.example"]["Subject"].startswith("রেটিং: কী কী করতে হবে")


def test_at_most_one_digest_a_day(inbox, network, readers):
    assert send_daily_digests(TODAY)["sent"] == 2
    assert send_daily_digests(TODAY) == {"sent": 0, "already": 2, "failed": 0}
    assert len(inbox.envelopes) == 2
    assert db.session.scalar(select(func.count()).select_from(ReminderDigest)) == 2
    assert send_daily_digests(TODAY + timedelta(days=1))["sent"] == 2  # the next day: again


def test_a_refused_message_is_tried_again_later(inbox, network, readers):
    inbox.refuse.add("rina@network.example")
    assert send_daily_digests(TODAY) == {"sent": 1, "already": 0, "failed": 1}
    inbox.refuse.clear()
    assert send_daily_digests(TODAY) == {"sent": 1, "already": 1, "failed": 0}
    assert set(inbox.messages()) == {"asha@network.example", "rina@network.example"}


def test_nothing_goes_when_mail_is_off_or_there_is_nothing_to_say(app, inbox, readers,
                                                                   network):
    app.config["MAIL_ENABLED"] = False
    assert send_daily_digests(TODAY) == {"sent": 0, "why": "mail off"}
    app.config["MAIL_ENABLED"] = True
    assert send_daily_digests(date(2030, 1, 1))["sent"] == 2  # letters still unanswered
    assert build_digest(date(2020, 1, 1)).empty  # before anything was due
    assert send_daily_digests(date(2020, 1, 1)) == {"sent": 0, "why": "nothing to say"}


def test_mail_is_off_by_default(app):
    from rating.config import load_config

    assert load_config(app.instance_path)["MAIL_ENABLED"] is False


def test_the_due_list_counts_each_level_from_its_own_days(browser, login_as, make_office):
    office, today = make_office("BDO-GAIGHATA"), local_today()  # the page's today
    for level, days_ago, recipient in (("block", 16, "BDO Gaighata"),
                                       ("district", 20, "DM North 24 Parganas"),
                                       ("state", 46, "Principal Secretary")):
        trail.record_action(kind="letter", acted_on=today - timedelta(days=days_ago),
                            level=level, recipient=recipient, asked="Answer us",
                            office_ids=[office.id])
    login_as("staff")
    page = browser.get("/escalation/due").get_data(as_text=True)
    table = page[page.index('id="unanswered"'):page.index("</table>", page.index(
        'id="unanswered"'))]
    assert "BDO Gaighata" in table and "Principal Secretary" in table
    assert "DM North 24 Parganas" not in table  # 20 days of its 30
    assert "Block 15 days, District 30 days, State 45 days" in page


def test_a_person_sets_their_address_or_turns_the_digest_off(browser, login_as):
    staff = login_as("staff")
    assert browser.get("/account/").status_code == 200
    bad = browser.post("/account/", {"email": "not an address", "daily_digest": "y"})
    assert bad.status_code == 422
    assert "Give an e-mail address like name@example.org." in bad.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(staff), staff.id).email is None
    assert browser.post("/account/", {"email": "me@network.example"}).status_code == 302
    db.session.expire_all()
    saved = db.session.get(type(staff), staff.id)
    assert (saved.email, saved.daily_digest) == ("me@network.example", False)


@pytest.mark.parametrize("role", ["leader", "advocacy", "admin"])
def test_only_staff_have_the_digest_page(browser, login_as, role):
    login_as(role)
    assert browser.get("/account/").status_code == 403


def test_the_digest_is_scheduled_each_morning_with_two_catch_ups(fresh_app):
    queue = fresh_app.extensions["rating.jobs"].huey

    def due(hour, minute):
        return "daily-digest" in {task.name for task in queue.read_periodic(
            datetime(2026, 12, 1, hour, minute))}

    # UTC: 08:00, 12:00 and 16:00 in Kolkata
    assert [due(2, 30), due(6, 30), due(10, 30)] == [True, True, True]
    assert [due(2, 35), due(3, 30), due(20, 30)] == [False, False, False]


def test_a_cycle_starting_or_ending_today_says_today(app, inbox, readers, make_cycle):
    make_cycle("Ending", status="open", starts_on=date(2026, 10, 1), ends_on=TODAY)
    make_cycle("Starting", status="draft", starts_on=TODAY, ends_on=date(2027, 2, 28))
    assert send_daily_digests(TODAY)["sent"] == 2
    body = inbox.messages()["asha@network.example"].get_content()
    assert "* Starting starts today. It does not open by itself: open it by hand." in body
    assert "* Ending ends today: it closes after today. It does not close by itself" in body
