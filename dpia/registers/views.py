"""The internal registers (`/registers`): the retention schedule and the access rules across every
assessment the signed-in person may see, filtered by the query string, with CSV exports that carry
the same filters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from flask_login import current_user

from dpia.core.csv_export import MIME_TYPE, attachment, csv_chunks
from dpia.core.pagination import page_number
from dpia.registers.rules import PeriodBand, period_filter
from dpia.registers.services import (
    AccessLine,
    Filters,
    RetentionLine,
    access_register,
    all_access_lines,
    all_retention_lines,
    retention_register,
    visible_teams,
)
from dpia.review.rules.states import RevisionState
from forms.registers import RegisterFilterForm, RetentionFilterForm

bp = Blueprint("registers", __name__, url_prefix="/registers")

PER_PAGE = 50
FILTER_NAMES = ("category", "period", "min_days", "max_days", "team", "state", "approved_only")

RETENTION_HEADER = ("Reference", "Assessment", "Team", "Revision", "Revision state", "Data category",
                    "Kept for (days)", "Kept for", "Counted from", "Why this period", "Exceptions",
                    "How it is deleted")
ACCESS_HEADER = ("Reference", "Assessment", "Team", "Revision", "Revision state", "Data category",
                 "Who may see it", "Access is logged", "Conditions and controls")


def _form(form_class: type[RegisterFilterForm]) -> tuple[RegisterFilterForm, Filters | None]:
    """The filter form read from the query string, and the filters it gives (None when it is invalid)."""
    form = form_class(request.args)
    form.offer(teams=visible_teams(current_user), states=[(state.value, state.label) for state in RevisionState])
    if not form.validate():
        return form, None
    period = None
    if isinstance(form, RetentionFilterForm):
        low, high = form.day_bounds()
        period = period_filter(PeriodBand(form.period.data) if form.period.data else None, min_days=low, max_days=high)
    filters = Filters(category=form.category.data or "", team_id=int(form.team.data) if form.team.data else None,
                      state=RevisionState(form.state.data) if form.state.data else None,
                      approved_only=bool(form.approved_only.data), **({"period": period} if period else {}))
    return form, filters


def _filter_args() -> dict[str, str]:
    """The filters in the current query string, to carry into page links and the export link."""
    return {name: request.args[name] for name in FILTER_NAMES if request.args.get(name)}


def _page(template: str, form_class: type[RegisterFilterForm], fetch: Callable[..., Any], endpoint: str,
          label: str) -> Any:
    number = page_number(request.args.get("page"))
    form, filters = _form(form_class)
    args = _filter_args()
    if filters is None:
        return render_template(template, form=form, page=None, pagination=None, filtered=True,
                               csv_url=None, page_has_errors=True), 400
    page = fetch(current_user, filters, number=number, per_page=PER_PAGE)
    pagination = page.govuk(lambda n: url_for(endpoint, **args, page=n), label=label)
    return render_template(template, form=form, page=page, pagination=pagination, filtered=bool(args),
                           csv_url=url_for(f"{endpoint}_csv", **args), page_has_errors=False)


def _csv(form_class: type[RegisterFilterForm], lines: Callable[[Any, Filters], Iterable[Any]],
         header: tuple[str, ...], row: Callable[[Any], tuple[object, ...]], filename: str,
         template: str) -> Any:
    form, filters = _form(form_class)
    if filters is None:
        return render_template(template, form=form, page=None, pagination=None, filtered=True, csv_url=None,
                               page_has_errors=True), 400
    found = lines(current_user, filters)

    def generate() -> Iterator[str]:
        yield from csv_chunks(header, (row(line) for line in found))

    response = Response(stream_with_context(generate()), mimetype=MIME_TYPE)
    response.headers["Content-Disposition"] = attachment(filename)
    return response


def _source(line: RetentionLine | AccessLine) -> tuple[object, ...]:
    source = line.source
    return source.reference, source.title, source.team_name, source.revision_number, source.state.label


def _retention_row(line: RetentionLine) -> tuple[object, ...]:
    return (*_source(line), line.data_category, line.period_days, line.period, line.trigger_label,
            line.justification, line.exceptions, line.deletion_label)


def _access_row(line: AccessLine) -> tuple[object, ...]:
    return (*_source(line), line.data_category, line.who, line.logged_label, line.notes)


@bp.route("/retention")
def retention():
    """What is kept and for how long, across the assessments the user may see, 50 rules to a page."""
    return _page("registers/retention.html", RetentionFilterForm, retention_register, "registers.retention",
                 "Retention schedule pages")


@bp.route("/retention.csv")
def retention_csv():
    """The retention schedule with the same filters, as a CSV file."""
    return _csv(RetentionFilterForm, all_retention_lines, RETENTION_HEADER, _retention_row,
                "retention-schedule.csv", "registers/retention.html")


@bp.route("/access")
def access():
    """Who may see each kind of data, across the assessments the user may see, 50 rules to a page."""
    return _page("registers/access.html", RegisterFilterForm, access_register, "registers.access",
                 "Access rules pages")


@bp.route("/access.csv")
def access_csv():
    """The access rules with the same filters, as a CSV file."""
    return _csv(RegisterFilterForm, all_access_lines, ACCESS_HEADER, _access_row, "access-rules.csv",
                "registers/access.html")
