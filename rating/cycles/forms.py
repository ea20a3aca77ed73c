from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import DataRequired, Length


class CycleForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the cycle a name.")),
                                               Length(max=80)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired(_l("Choose a start date."))])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired(_l("Choose an end date."))])
