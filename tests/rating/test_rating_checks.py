"""The JSON endpoint's checks (`checks.check_rating`) against the page's form (`RatingForm`).

The endpoint checks answers without WTForms to save CPU on the busiest path; these tests hold
the two to each other: on any input, both accept the same answers or refuse with the same first
message for each field, in Bengali and in English.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import IntegerField
from wtforms.validators import InputRequired, ValidationError

from rating import create_app
from rating.access import MAX_ID
from rating.survey.checks import SAY_CYCLE, SAY_OFFICE, check_rating
from rating.survey.forms import RatingForm
from tests.conftest import base_config


def _an_id(message):
    def check(form, field):
        if field.data is not None and not 0 <= field.data <= MAX_ID:
            raise ValidationError(message)

    return check


class ReferenceForm(RatingForm):
    """What the endpoint used to build for every rating: the page's form, plus the ids."""

    cycle_id = IntegerField("", validators=[InputRequired(SAY_CYCLE), _an_id(SAY_CYCLE)])
    office_id = IntegerField("", validators=[InputRequired(SAY_OFFICE), _an_id(SAY_OFFICE)])


def by_the_form(data: dict) -> tuple[dict | None, dict]:
    form = ReferenceForm(formdata=ImmutableMultiDict(data), meta={"csrf": False})
    if not form.validate():
        return None, {name: str(errors[0]) for name, errors in form.errors.items()}
    return {**form.clean(), "cycle_id": form.cycle_id.data,
            "office_id": form.office_id.data}, {}


def by_the_checks(data: dict) -> tuple[dict | None, dict]:
    answers, errors = check_rating(data)
    return (None if errors else answers), errors


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    # No database is touched: the checks and the form only read what was sent.
    return create_app(base_config(f"sqlite:///{tmp_path_factory.mktemp('c') / 'unused.db'}"))


TRICKY = ["", " ", "\t", "\n", "0", "1", "10", "11", "07", " 7 ", "+7", "-1", "7.0", "7.5",
          "1e3", "1_0", "৭", "٧", "²", "y", "yes", " yes", "Yes", "partly", "no", "maybe",
          "housing", "HOUSING", "other", "false", "False", "true", "None", "null",
          "2147483647", "2147483648", "9" * 30, "abcdefgh", "abcdefg", "a" * 64, "a" * 65,
          "a" * 64 + "\n", "abc-def_123", "abc def 123", "x" * 1000, "x" * 1001, " " * 1500,
          "ভালো ব্যবহার"]
FIELDS = ("submission_id", "score", "purpose", "respect", "resolved", "comment",
          "quote_consent", "cycle_id", "office_id", "something_else")
VALUES = st.one_of(st.sampled_from(TRICKY), st.text(max_size=30),
                   st.integers(min_value=-5, max_value=2**40).map(str))
SENT = st.dictionaries(st.sampled_from(FIELDS), VALUES)


@pytest.mark.parametrize("language", ["bn", "en"])
@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=SENT)
def test_the_checks_agree_with_the_form_on_any_input(app, language, data):
    with app.test_request_context(headers={"Accept-Language": language}):
        assert by_the_checks(data) == by_the_form(data)


@pytest.mark.parametrize("language", ["bn", "en"])
@pytest.mark.parametrize("field", FIELDS)
def test_each_tricky_value_in_each_field(app, language, field):
    good = {"submission_id": "abcdefgh12", "score": "7", "purpose": "housing",
            "cycle_id": "3", "office_id": "4"}
    with app.test_request_context(headers={"Accept-Language": language}):
        assert by_the_checks(good)[0] is not None  # the good answers pass both
        for value in TRICKY:
            data = {**good, field: value}
            assert by_the_checks(data) == by_the_form(data), value


def test_a_refusal_is_in_the_leaders_language(app):
    with app.test_request_context(headers={"Accept-Language": "bn"}):
        _answers, errors = check_rating({"score": "11"})
    assert set(errors) == {"submission_id", "score", "purpose", "cycle_id", "office_id"}
    assert all(not message.isascii() for message in errors.values())


def test_a_submission_id_with_a_trailing_newline_is_refused(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        _answers, errors = check_rating({"submission_id": "a" * 64 + "\n"})
    assert errors["submission_id"] == "The submission number is not valid."
