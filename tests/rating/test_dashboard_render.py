"""The office page's cheaper rendering writes what the general one wrote: the filters' lists
(`QuickSelect`) the same HTML as WTForms' own select, the tables' cells the same text."""

from datetime import date

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms.widgets import Select

from rating.dashboard.forms import ChartFilterForm
from rating.dashboard.tables import Table, shown_cells
from rating.i18n import current_locale


@pytest.mark.parametrize("locale", ["bn", "en"])
@pytest.mark.parametrize("query", [{}, {"block": "gaighata", "cycle_from": "first"},
                                   {"block": "999999", "collective": "x\"<"}])
def test_the_filters_lists_are_wtforms_own(app, directory, make_cycle, make_collective,
                                           locale, query):
    first = make_cycle(name='2025 "Q1" <b>', status="closed")
    make_cycle(name="2025 Q2", status="closed")
    make_collective()
    values = {"block": directory["gaighata"].id, "cycle_from": first.id}
    args = MultiDict({key: values.get(key, value) if value in ("gaighata", "first") else value
                      for key, value in query.items()})
    with app.test_request_context("/dashboard/", headers={"Accept-Language": locale}):
        assert current_locale() == locale
        form = ChartFilterForm(args).fill_choices(locale)
        form.validate()
        for field in form:
            plain = Select()(field)
            assert field() == plain
            attributes = {"aria-describedby": f"{field.id}-error", "aria-invalid": "true"}
            assert field(**attributes) == Select()(field, **attributes)
        if query.get("block") == "gaighata":
            assert f'<option selected value="{directory["gaighata"].id}">' in form.block()
        assert "&#34;Q1&#34; &lt;b&gt;" in form.cycle_from()


def test_an_option_of_its_own_attributes_is_left_to_wtforms(app):
    from wtforms.fields.choices import Choice

    from rating.dashboard.forms import QuickSelect

    choice = Choice(3, "Three", selected=True, render_kw={"disabled": True})
    assert QuickSelect.render_option(choice) == Select.render_option(choice)
    assert "disabled" in QuickSelect.render_option(choice)
    for plain in (Choice(True, Markup("<i>yes</i>"), False, None), Choice("a&b", "", True, {})):
        assert QuickSelect.render_option(plain) == Select.render_option(plain)


@pytest.mark.parametrize(("locale", "written"), [("bn", ["–", "১২", "৪.৫", "BDO 7"]),
                                                   ("en", ["–", "12", "4.5", "BDO 7"])])
def test_table_cells_are_written_as_the_page_writes_numbers(app, locale, written):
    table = Table("t", ["a", "b", "c", "d"], [[None, 12, 4.5, "BDO 7"]])
    with app.test_request_context("/dashboard/", headers={"Accept-Language": locale}):
        assert shown_cells(table) == [written]


@pytest.mark.parametrize("locale", ["bn", "en"])
def test_the_filters_choices_are_the_directorys_in_the_readers_order(
        app, directory, make_office, make_cycle, make_collective, locale):
    from rating.auth.models import Collective
    from rating.directory import services
    from rating.extensions import db

    make_collective()
    make_collective(code="UT", name_en="Utthan", name_bn="উত্থান")
    for c, status in enumerate(("closed", "open", "closed", "draft")):
        make_cycle(name=f"C{c}", status=status, starts_on=date(2025, 4 - c, 1),
                   ends_on=date(2025, 4 - c, 20))
    with app.test_request_context("/dashboard/", headers={"Accept-Language": locale}):
        form = ChartFilterForm().fill_choices(locale)

        def pairs(field):
            return [(choice.value, str(choice.label)) for choice in field.choices][1:]

        assert pairs(form.district) == [(p.id, p.name(locale)) for p in services.districts()]
        areas = services.areas()
        assert len(areas) >= 2 and pairs(form.block) == [(p.id, p.name(locale)) for p in areas]
        assert pairs(form.department) == [(d.id, f"{d.code}: {d.name(locale)}")
                                          for d in services.department_types()]
        assert pairs(form.collective) == [(c.id, c.name(locale)) for c in db.session.scalars(
            db.select(Collective).order_by(Collective.id))]
        assert [name for _, name in pairs(form.cycle_from)] == ["C2", "C0"]
        assert pairs(form.cycle_to) == pairs(form.cycle) == pairs(form.cycle_from)
