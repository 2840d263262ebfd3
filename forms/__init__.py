"""WTForms classes, one module per area. Forms only validate; views pass choices in."""

from typing import Any  # noqa: E402

from govuk_frontend_wtf.wtforms_widgets import GovDateInput  # noqa: E402


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
