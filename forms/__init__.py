"""WTForms classes, one module per area. Forms only validate; views pass choices in.

This module holds what every area shares: the three-box date field and error summary links.
"""

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField
from wtforms.csrf.core import CSRFTokenField


class _CSRFTokenField(CSRFTokenField):
    """The CSRF token rendered without an id.

    A page with several forms (reply, resolve, add a comment) renders one token per form, and the same
    id on each would be invalid HTML; nothing (no label, no script) points at the token's id.
    """

    def __call__(self, **kwargs: Any) -> Any:
        kwargs.setdefault("id", False)  # WTForms leaves out an attribute whose value is False
        return super().__call__(**kwargs)


class _CSRF(_FlaskFormCSRF):
    field_class = _CSRFTokenField


# Every form in the app is a FlaskForm, and every form module imports this package first, so the
# token of every form renders without an id from here (Flask-WTF's own checking is unchanged).
FlaskForm.Meta.csrf_class = _CSRF


class DateBoxes(GovDateInput):
    """GOV.UK's date input without `required` on its wrapper: a div cannot be required (invalid HTML).

    The field's validators still decide whether a date must be given; the forms are `novalidate`.
    """

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params = super().map_gov_params(field, **kwargs)
        params.get("attributes", {}).pop("required", None)
        return params


class ThreePartDateField(DateField):
    """A date typed as day, month and year boxes.

    GOV.UK's date widget needs exactly three parts to show back; a post that lacks some (or has
    extra, if tampered with) still renders, with the missing boxes empty.
    """

    def __init__(self, *args: Any, invalid_message: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", DateBoxes())
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message  # instead of WTForms' "Not a valid date value."

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            if self.invalid_message:
                raise ValueError(self.invalid_message) from None
            raise
        finally:
            if self.raw_data is not None:
                parts = list(self.raw_data)
                self.raw_data = (parts + ["", "", ""])[:3] if parts else None


def error_summary_items(form: Any) -> list[dict[str, str]]:
    """Error summary entries that link to the input to correct.

    A date's error must link to its day box: its field id names the wrapper, which cannot take focus.
    """
    items = []
    for field in form:
        for message in field.errors or ():
            target = f"{field.id}-day" if isinstance(field.widget, GovDateInput) else field.id
            items.append({"text": message, "href": f"#{target}"})
    return items
