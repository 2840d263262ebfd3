"""The filters of the internal registers: read from the query string, so a filtered register is a
link people can share and its CSV export carries the same filters. Nothing changes on the server,
so there is no CSRF token (a GET form)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovTextInput
from wtforms import BooleanField, Form, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from dpia.registers.rules import MAX_DAYS, PeriodBand

MAX_TEXT = 200


def _days(field: StringField) -> int | None:
    text = (field.data or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or int(text) > MAX_DAYS:
        raise ValidationError(f"{field.label.text} must be a whole number of days from 0 to {MAX_DAYS:,}")
    return int(text)


class RegisterFilterForm(Form):
    """Filters both registers share; the view offers the team and state choices."""

    category = StringField("Data category contains", widget=GovTextInput(),
                           validators=[Length(max=MAX_TEXT, message=f"Enter {MAX_TEXT} characters or fewer")])
    team = SelectField("Team", widget=GovSelect(), validate_choice=False)
    state = SelectField("Revision state", widget=GovSelect(), validate_choice=False)
    approved_only = BooleanField("Only approved revisions (the version of record)", widget=GovCheckboxInput(),
                                 description="Leave this unticked to see each assessment's latest revision.")

    def offer(self, *, teams: list[tuple[int, str]], states: list[tuple[str, str]]) -> None:
        """The teams the person may see and the revision states, as the selects' choices."""
        self.team.choices = [SelectChoice("", "All teams"), *(SelectChoice(str(key), name) for key, name in teams)]
        self.state.choices = [SelectChoice("", "Any state"), *(SelectChoice(key, label) for key, label in states)]

    def validate_team(self, field: SelectField) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose a team from the list")

    def validate_state(self, field: SelectField) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose a state from the list")


class RetentionFilterForm(RegisterFilterForm):
    """The retention schedule's filters add the period: a band, or days typed as bounds."""

    period = SelectField("Kept for", widget=GovSelect(), validate_choice=False,
                         choices=[SelectChoice("", "Any period"),
                                  *(SelectChoice(band.value, band.label) for band in PeriodBand)])
    min_days = StringField("At least (days)", widget=GovTextInput())
    max_days = StringField("At most (days)", widget=GovTextInput())

    def validate_period(self, field: SelectField) -> None:
        if field.data and field.data not in {band.value for band in PeriodBand}:
            raise ValidationError("Choose a period from the list")

    def validate_min_days(self, field: StringField) -> None:
        _days(field)

    def validate_max_days(self, field: StringField) -> None:
        high = _days(field)
        try:
            low = _days(self.min_days)
        except ValidationError:
            return
        if low is not None and high is not None and low > high:
            raise ValidationError("At most (days) must be the same as or more than at least (days)")

    def day_bounds(self) -> tuple[int | None, int | None]:
        """The typed bounds, once the form has validated."""
        return _days(self.min_days), _days(self.max_days)
