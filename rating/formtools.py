"""Small helpers shared by the features' forms."""

from wtforms.fields.choices import SelectChoice


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the choices of a SelectField or RadioField."""
    return [SelectChoice(value, label) for value, label in pairs]
