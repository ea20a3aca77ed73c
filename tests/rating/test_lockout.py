"""Lock-outs stop guessing, not the owner: wrong tries from elsewhere never lock a leader out on
her own phone, and a locked answer says nothing about whether the account exists."""

from argon2 import PasswordHasher
from sqlalchemy import select, update

from rating.audit import AuditEvent
from rating.auth import devices, services, throttle
from rating.auth.models import LoginThrottle
from rating.extensions import db
from tests.conftest import TEST_PIN, Browser, csrf_from

ATTACKER = {"REMOTE_ADDR": "198.51.100.7"}
OWNER = {"REMOTE_ADDR": "203.0.113.20"}


def _phone(app, address=None) -> Browser:
    client = app.test_client()
    if address:
        client.environ_base.update(address)
    return Browser(client)


def _log_out(phone: Browser) -> None:
    token = csrf_from(phone.get("/leader/").get_data(as_text=True))
    assert phone.client.post("/logout", data={"csrf_token": token}).status_code == 302


def _flash(response) -> str:
    page = response.get_data(as_text=True)
    return page.split('class="flash flash-error"', 1)[1].split("</p>", 1)[0]


def _says_locked(response) -> bool:
    return response.status_code == 401 and "অনেকবার ভুল হয়েছে" in _flash(response)


def _guess(app, login, times, address=ATTACKER):
    """Wrong PINs from phones that never logged in to the account; the last answer."""
    attacker = _phone(app, address)
    for _ in range(times):
        answer = attacker.login(login, "0000")
    return answer


def test_wrong_tries_from_elsewhere_never_lock_the_owner_out_of_her_phone(app, make_user):
    make_user("leader", login="BJ-001")
    owner = _phone(app, OWNER)
    assert owner.login("BJ-001", TEST_PIN).status_code == 302  # her phone gets its token
    _log_out(owner)

    locked = _guess(app, "BJ-001", 3 * app.config["LOCKOUT_THRESHOLD"])
    assert _says_locked(locked)
    # A new phone, even with the right PIN, from the attacker's address or any other, is refused.
    assert _phone(app, ATTACKER).login("BJ-001", TEST_PIN).status_code == 401
    assert _phone(app, {"REMOTE_ADDR": "192.0.2.50"}).login("BJ-001", TEST_PIN).status_code == 401
    # Her own phone logs in.
    response = owner.login("BJ-001", TEST_PIN)
    assert response.status_code == 302
    assert owner.get("/leader/").status_code == 200


def test_the_owner_logs_in_on_her_phone_from_the_attackers_address_too(app, make_user):
    """Behind a proxy without PROXY_FIX everyone shares one address: the device still counts."""
    make_user("leader", login="BJ-001")
    owner = _phone(app, ATTACKER)
    assert owner.login("BJ-001", TEST_PIN).status_code == 302
    _log_out(owner)
    _guess(app, "BJ-001", 2 * app.config["LOCKOUT_THRESHOLD"], address=ATTACKER)
    assert owner.login("BJ-001", TEST_PIN).status_code == 302


def test_a_token_for_another_account_does_not_open_the_door(app, make_user):
    make_user("leader", login="BJ-001")
    make_user("leader", login="BJ-002")
    attacker = _phone(app)
    assert attacker.login("BJ-002", TEST_PIN).status_code == 302  # his own account
    _log_out(attacker)
    _guess(app, "BJ-001", app.config["LOCKOUT_THRESHOLD"])
    assert attacker.login("BJ-001", TEST_PIN).status_code == 401  # still locked for him


def test_wrong_tries_on_her_own_phone_lock_only_that_phone(app, make_user):
    make_user("leader", login="BJ-001")
    owner = _phone(app, OWNER)
    assert owner.login("BJ-001", TEST_PIN).status_code == 302
    _log_out(owner)
    for _ in range(app.config["LOCKOUT_THRESHOLD"]):
        owner.login("BJ-001", "0000")
    assert owner.login("BJ-001", TEST_PIN).status_code == 401
    assert _phone(app).login("BJ-001", TEST_PIN).status_code == 302  # other phones: open


def test_a_locked_answer_is_the_same_for_an_account_that_does_not_exist(app, make_user):
    make_user("leader", login="BJ-001")
    threshold = app.config["LOCKOUT_THRESHOLD"]
    real = [_guess(app, "BJ-001", n) for n in (1, threshold - 1, 1, 1)]
    unknown = [_guess(app, "BJ-404", n) for n in (1, threshold - 1, 1, 1)]
    assert [r.status_code for r in real] == [r.status_code for r in unknown] == [401] * 4
    assert [_flash(r) for r in real] == [_flash(r) for r in unknown]
    assert not _says_locked(real[0]) and _says_locked(real[-1])


class CountingHasher(PasswordHasher):
    """The test profile's real Argon2, counting the checks it makes."""

    def __init__(self):
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.checks = 0

    def verify(self, hash, password):  # noqa: A002  (argon2's own parameter name)
        self.checks += 1
        return super().verify(hash, password)


def test_every_answer_costs_one_hash_check(app, make_user, monkeypatch):
    """The locked answer took 10 ms against 150 ms for a wrong PIN, which told an attacker the
    account existed. Now every answer (unknown, inactive, locked, wrong, right) checks one
    hash of the same cost."""
    hasher = CountingHasher()
    monkeypatch.setitem(services._HASHERS, "test", hasher)
    monkeypatch.setattr(services, "_STAND_IN", {})
    make_user("leader", login="BJ-001", secret=TEST_PIN)
    inactive = make_user("leader", login="BJ-003")
    inactive.active = False
    db.session.commit()
    _guess(app, "BJ-001", app.config["LOCKOUT_THRESHOLD"])
    _guess(app, "BJ-404", app.config["LOCKOUT_THRESHOLD"])
    make_user("leader", login="BJ-002")
    cases = {"locked": ("BJ-001", TEST_PIN, 401), "unknown, locked": ("BJ-404", TEST_PIN, 401),
             "unknown": ("BJ-405", "2468", 401), "inactive": ("BJ-003", TEST_PIN, 401),
             "wrong PIN": ("BJ-002", "2468", 401), "right PIN": ("BJ-002", TEST_PIN, 302)}
    for case, (login, pin, status) in cases.items():
        hasher.checks = 0
        assert _phone(app).login(login, pin).status_code == status, case
        assert hasher.checks == 1, case


def test_the_lock_doubles_up_to_the_cap(app):
    threshold = app.config["LOCKOUT_THRESHOLD"]
    lock_minutes = throttle.lock_minutes
    assert [lock_minutes(threshold + k) for k in (-1, 0, 1, 2, 10)] == [0, 1, 2, 4, 1024]
    assert lock_minutes(threshold + 1000) == app.config["LOCKOUT_MAX_MINUTES"] == 525_600


def test_the_owner_logging_in_from_a_new_phone_gives_the_attacker_no_fresh_start(app, make_user):
    make_user("leader", login="BJ-001")
    threshold = app.config["LOCKOUT_THRESHOLD"]
    _guess(app, "BJ-001", threshold - 1)  # the door is not locked yet
    new_phone = _phone(app, OWNER)
    assert new_phone.login("BJ-001", TEST_PIN).status_code == 302
    assert not _says_locked(_guess(app, "BJ-001", threshold - 1))
    # Below the threshold a success forgave the tries; past it, it does not.
    _guess(app, "BJ-001", threshold)
    # The lock runs out (the attacker waited).
    db.session.execute(update(LoginThrottle).where(
        LoginThrottle.door == throttle.door_of("BJ-001", None)).values(locked_until=None))
    db.session.commit()
    assert _phone(app).login("BJ-001", TEST_PIN).status_code == 302
    assert _says_locked(_guess(app, "BJ-001", 1))  # one more wrong try: locked again at once


def test_a_pin_reset_opens_the_door_for_other_phones(app, make_user):
    from rating.admin.services import reset_secret

    leader = make_user("leader", login="BJ-001")
    _guess(app, "BJ-001", app.config["LOCKOUT_THRESHOLD"])
    new_pin = reset_secret(leader)
    assert _phone(app).login("BJ-001", new_pin).status_code == 302


def test_the_admin_list_shows_a_locked_account(app, browser, make_user):
    make_user("leader", login="BJ-001")
    make_user("admin")
    _guess(app, "BJ-001", app.config["LOCKOUT_THRESHOLD"])
    browser.login("admin", "admin-password-1")
    page = browser.get("/admin/users?q=BJ-001").get_data(as_text=True)
    assert "locked after wrong tries" in page


def test_lock_outs_are_in_the_audit_trail_without_the_login_typed(app, make_user):
    leader = make_user("leader", login="BJ-001")
    _guess(app, "BJ-001", app.config["LOCKOUT_THRESHOLD"])
    _guess(app, "BJ-404", app.config["LOCKOUT_THRESHOLD"])
    db.session.expire_all()
    locks = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.lock")).all()
    assert [event.target_id for event in locks] == [leader.id]
    doors = db.session.scalars(select(LoginThrottle.door)).all()
    assert len(doors) == 2 and not any("BJ" in door or "bj" in door for door in doors)


def test_a_device_token_names_no_account_and_cannot_be_forged(app, make_user):
    leader = make_user("leader", login="BJ-001")
    other = make_user("leader", login="BJ-002")
    with app.test_request_context():
        cookie = devices.with_device(None, leader.id)
        assert "BJ" not in cookie and len(cookie) == 65  # a nonce and a tag, nothing else
        assert devices.device_of(cookie, leader.id)
        assert devices.device_of(cookie, other.id) is None
        nonce, tag = cookie.split("-")
        assert devices.device_of(f"{nonce}-{'0' * 32}", leader.id) is None
        both = devices.with_device(cookie, other.id)
        assert devices.device_of(both, leader.id) == devices.device_of(cookie, leader.id)
        assert devices.device_of(both, other.id)
