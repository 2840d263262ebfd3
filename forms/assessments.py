"""Forms for assessments: starting one, and the forms built from a questionnaire section or a table's columns.

The forms render GOV.UK fields and keep what was typed; the answer rules themselves live in
`dpia.assessments.rules.answers`, so a value means the same in a section, a table row or an import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import Field
from wtforms.validators import DataRequired, InputRequired, Length

from dpia.assessments.rules.answers import Raw, form_value
from dpia.core.templating import cached_component, govuk_macro
from dpia.questionnaires.rules.definition import Column, Condition, Option, Question, QuestionType
from forms import ThreePartDateField

Spec = Question | Column
MULTI_PART = {QuestionType.MULTIPLE_CHOICE, QuestionType.DATE}


def _merge(base: Any, new: Any) -> Any:
    """govuk-frontend-wtf's merge of a template's params into a field's (dicts merge, lists append,
    anything else is replaced), without deepmerge's dispatch on every value."""
    if isinstance(base, dict) and isinstance(new, dict):
        for key, value in new.items():
            base[key] = _merge(base[key], value) if key in base else value
        return base
    if isinstance(base, list) and isinstance(new, list):
        return base + new
    return new


# Stands for a field's typed value in a cached rendering; only letters, digits and hyphens, so
# escaping leaves it as it is and it cannot occur anywhere else in a field's markup.
_VALUE_HOLE = "dpia-field-value-3f9c1a7e"


class _Cached:
    """Render a field's GOV.UK macro with its params only, and once per distinct set of params.

    govuk-frontend-wtf renders each field through Flask's `render_template`, which runs every context
    processor (the page frame's navigation, a sign-out form and its CSRF token) once per field, and each
    GOV.UK macro imports four more: on a section of 60 questions that was nearly all of the page's
    cost. The macro's output depends only on its params, so it is cached with the typed value left
    as a hole; `Markup.replace` escapes the value it puts into the hole.
    """

    component: str  # the GOV.UK component the widget's own template calls

    def merge_params(self, a: Any, b: Any) -> Any:
        return _merge(a, b)

    def render(self, params: dict[str, Any]) -> Markup:
        value = params.get("value")
        typed = isinstance(value, str) and bool(value)
        html = cached_component(self.component, {**params, "value": _VALUE_HOLE} if typed else params)
        if html is None or (typed and html.count(_VALUE_HOLE) != 1):  # (a label quoting the hole, say)
            return govuk_macro(self.component)(params)
        return html.replace(_VALUE_HOLE, value) if typed else html


class TextArea(_Cached, GovTextArea):
    component = "textarea"


class TextInput(_Cached, GovTextInput):
    component = "input"


class Radios(_Cached, GovRadioInput):
    component = "radios"


class Checkboxes(_Cached, GovCheckboxesInput):
    component = "checkboxes"


def field_name(key: str) -> str:
    """An HTML-friendly name for a question or column key (dots would need escaping in CSS ids)."""
    return "f-" + key.replace(".", "--")


def _choices(options: Sequence[Option]) -> list[SelectChoice]:
    return [SelectChoice(o.value, o.label) for o in options]


def _field(spec: Spec, options: Sequence[Option] | None) -> Field | list[tuple[str, Field]]:
    hint = spec.hint or ""
    if spec.type is QuestionType.MARKDOWN:
        return TextAreaField(spec.label, widget=TextArea(), description=hint)
    if spec.type in (QuestionType.SINGLE_CHOICE, QuestionType.YES_NO):
        if spec.type is QuestionType.YES_NO:
            choices = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
        else:
            choices = _choices(options if options is not None else spec.options)
        return RadioField(spec.label, choices=choices, widget=Radios(), description=hint,
                          validate_choice=False)
    if spec.type is QuestionType.MULTIPLE_CHOICE:
        return SelectMultipleField(spec.label, choices=_choices(options if options is not None else spec.options),
                                   widget=Checkboxes(), description=hint, validate_choice=False)
    if spec.type is QuestionType.DATE:
        return ThreePartDateField(spec.label, description=hint or "For example, 27 3 2017")
    if spec.type is QuestionType.PERSON:
        return [("name", StringField("Name", widget=TextInput())),
                ("role", StringField("Role or position", widget=TextInput()))]
    if spec.type is QuestionType.PARTIAL_DATE:
        hint = hint or "For example 2018-06-30, June 2018, 2018-Q2 or 'not yet decided'"
    return StringField(spec.label, widget=TextInput(), description=hint)


class LockOnlyForm(FlaskForm):
    """A form with no questions of its own, only the CSRF token and the lock version: a section page
    whose questions come from the cache. One class, instead of a new one built per request."""

    lock_version = HiddenField()


def _form_class(specs: Iterable[Spec], option_lookup: Mapping[str, Sequence[Option] | None]) -> type[FlaskForm]:
    attrs: dict[str, Any] = {"lock_version": HiddenField()}
    for spec in specs:
        if spec.type in (QuestionType.TABLE, QuestionType.RATIO):
            continue
        made = _field(spec, option_lookup.get(spec.key))
        if isinstance(made, list):
            for suffix, sub in made:
                attrs[f"{field_name(spec.key)}-{suffix}"] = sub
        else:
            attrs[field_name(spec.key)] = made
    return type("QuestionnaireForm", (FlaskForm,), attrs)


def _initial(specs: Iterable[Spec], values: Mapping[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for spec in specs:
        value = values.get(spec.key)
        if spec.type is QuestionType.PERSON:
            data[f"{field_name(spec.key)}-name"] = (value or {}).get("name")
            data[f"{field_name(spec.key)}-role"] = (value or {}).get("role")
        elif spec.type not in (QuestionType.TABLE, QuestionType.RATIO):
            data[field_name(spec.key)] = form_value(spec, value)
    return data


def build_form(specs: Sequence[Spec], *, values: Mapping[str, Any], lock_version: int,
               formdata: MultiDict | None = None,
               option_lookup: Mapping[str, Sequence[Option] | None] | None = None) -> FlaskForm:
    """A form for these questions (or columns): stored `values` on first display, else what was posted."""
    form_class = _form_class(specs, option_lookup or {}) if specs else LockOnlyForm
    if formdata is not None:
        return form_class(formdata=formdata)
    form = form_class(formdata=None, data={**_initial(specs, values), "lock_version": str(lock_version)})
    return form


def raw_values(specs: Iterable[Spec], formdata: MultiDict) -> dict[str, Raw]:
    """What was typed for each question key, in the shape `parse_answer` reads."""
    raw: dict[str, Raw] = {}
    for spec in specs:
        name = field_name(spec.key)
        if spec.type is QuestionType.PERSON:
            raw[spec.key] = [formdata.get(f"{name}-name", ""), formdata.get(f"{name}-role", "")]
        elif spec.type in MULTI_PART:
            raw[spec.key] = formdata.getlist(name)
        else:
            raw[spec.key] = formdata.get(name)
    return raw


def set_errors(form: FlaskForm, errors: Mapping[str, str]) -> None:
    """Attach error messages from the answer rules to the fields that produced them."""
    for key, message in errors.items():
        name = field_name(key)
        target = form._fields.get(name) or form._fields.get(f"{name}-name")
        if target is not None:
            target.errors = [message]


def posted_lock_version(form: FlaskForm) -> int:
    try:
        return int(form.lock_version.data or 0)
    except (TypeError, ValueError):
        return -1


def condition_attributes(condition: Condition) -> dict[str, str]:
    """`data-` attributes that let the page's script show a question when its condition holds.

    Values are written the way the form posts them (yes/no for yes-or-no answers).
    """
    def as_posted(value: Any) -> str:
        return ("yes" if value else "no") if isinstance(value, bool) else str(value)

    if condition.answered is not None:
        mode, values = ("answered" if condition.answered else "unanswered"), []
    elif condition.includes is not None:
        mode, values = "includes", [condition.includes]
    else:
        mode, values = "equals", list(condition.one_of) if condition.one_of is not None else [condition.equals]
    return {"data-show-if-field": field_name(condition.question), "data-show-if-mode": mode,
            "data-show-if-values": "|".join(as_posted(v) for v in values)}


class NewAssessmentForm(FlaskForm):
    """Starting an assessment: what it is about, whose it is, which law, which questionnaires."""

    title = StringField("Project title", widget=GovTextInput(),
                        validators=[DataRequired(message="Enter the project's title"),
                                    Length(max=300, message="Title must be 300 characters or fewer")])
    team_id = RadioField("Team", widget=GovRadioInput(), validate_choice=False,
                         validators=[InputRequired(message="Select the team that owns the assessment")])
    regime = RadioField("Which law applies?", widget=GovRadioInput(), validate_choice=False,
                        validators=[InputRequired(message="Select the law that applies")])
    add_ons = SelectMultipleField("Extra questions", widget=GovCheckboxesInput(), validate_choice=False,
                                  description="Add the questions for specific kinds of processing.")
