"""WTForms classes, one module per area. Forms only validate; views pass choices in.

This module holds what every area shares: the three-box date field and error summary links.
"""

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField


class ThreePartDateField(DateField):
    """A date typed as day, month and year boxes.

    GOV.UK's date widget needs exactly three parts to show back; a post that lacks some (or has
    extra, if tampered with) still renders, with the missing boxes empty.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", GovDateInput())
        kwargs.setdefault("format", "%d %m %Y")
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
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
