from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select
from wtforms import SelectField
from wtforms.widgets import Select

from rating.auth.models import Collective
from rating.cycles.models import Cycle
from rating.directory import services as directory
from rating.extensions import db
from rating.formtools import BaseForm, optional_id, options


class QuickSelect(Select):
    """WTForms' select, with the plain options (no attributes of their own) written
    directly: the same HTML, at a fifth of the cost. The filters' six lists are every
    block, department and cycle, and their ``html_params`` a tenth of an office page's time."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{escape(value)}">'
                      f"{escape(choice.label or choice.value)}</option>")

    @classmethod
    def _dispatch_render_option(cls):
        # WTForms reads render_option's signature (inspect) on every list it writes, to
        # support an older one; this one has the current signature.
        return cls.render_option


class ChartFilterForm(BaseForm):
    """The filters above every chart; a GET form, so a view can be shared by its URL."""

    class Meta:
        csrf = False

    district = SelectField(_l("District"), coerce=optional_id, widget=QuickSelect())
    block = SelectField(_l("Block or municipality"), coerce=optional_id, widget=QuickSelect())
    department = SelectField(_l("Department"), coerce=optional_id, widget=QuickSelect())
    collective = SelectField(_l("Collective"), coerce=optional_id, widget=QuickSelect())
    cycle_from = SelectField(_l("From cycle"), coerce=optional_id, widget=QuickSelect())
    cycle_to = SelectField(_l("To cycle"), coerce=optional_id, widget=QuickSelect())
    cycle = SelectField(_l("Cycle shown"), coerce=optional_id, widget=QuickSelect())

    def fill_choices(self, locale: str) -> "ChartFilterForm":
        """Every district, block or municipality, department type, collective and closed
        cycle as the lists' choices (the places and departments as the directory lists them
        everywhere)."""
        everything = [(None, _l("All"))]
        self.district.choices = options(everything + [(p.id, p.name(locale))
                                                      for p in directory.districts()])
        self.block.choices = options(everything + [(p.id, p.name(locale))
                                                   for p in directory.areas()])
        self.department.choices = options(everything + [
            (d.id, f"{d.code}: {d.name(locale)}") for d in directory.department_types()])
        collective = Collective.name_bn if locale == "bn" else Collective.name_en
        self.collective.choices = options(everything + list(db.session.execute(
            select(Collective.id, collective).order_by(Collective.id))))
        # Closed cycles only: an open cycle has no figures until it closes.
        cycles = list(db.session.execute(select(Cycle.id, Cycle.name).where(
            Cycle.status == "closed").order_by(Cycle.starts_on)))
        self.cycle_from.choices = options([(None, _l("first"))] + cycles)
        self.cycle_to.choices = options([(None, _l("last"))] + cycles)
        self.cycle.choices = options([(None, _l("latest closed"))] + cycles)
        return self
