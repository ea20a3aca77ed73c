"""The office page's cheaper rendering writes what the general one wrote: the filters' lists
(`QuickSelect`) the same HTML as WTForms' own select, the tables' cells the same text."""

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
