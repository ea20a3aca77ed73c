from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length

from rating.formtools import BaseForm


class CycleForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the cycle a name.")),
                                               Length(max=80)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired(_l("Choose a start date."))])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired(_l("Choose an end date."))])
