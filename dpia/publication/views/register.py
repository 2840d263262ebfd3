"""Pages anyone may read without signing in: the health check and the public register.

Published pages are served from stored bundles (see dpia/rendering/snapshot.py): no Markdown or
PDF work happens here. Whether anything is public is decided by one condition,
`dpia.publication.services.visible(now)`, checked in every query below.

Public responses are rendered without the signed-in context (no session, no user, no flash
messages), so they are the same for everyone and can be cached by browsers and shared caches. A
cache may reuse one only until the next scheduled `publish_at` (at most CACHE_SECONDS), so nothing
stays hidden past its time; the listings then revalidate against a cheap version of the register.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET  # noqa: S405 - used to build XML, never to parse untrusted input
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, request, url_for
from werkzeug.http import is_resource_modified

from dpia.core import clock
from dpia.core.hashing import sha256
from dpia.core.pagination import page_number
from dpia.publication.models import Publication
from dpia.publication.services import register as service
from dpia.publication.services.bundles import fill_markers

bp = Blueprint("public", __name__)

PER_PAGE = 20
JSON_PER_PAGE = 100
FEED_ENTRIES = 50
MAX_QUERY = 200
CACHE_SECONDS = 300
ATOM = "http://www.w3.org/2005/Atom"


@bp.route("/healthz")
def healthz():
    """Liveness check for load balancers: no session, no database."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


# -- helpers ----------------------------------------------------------------------------------

def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _render(template: str, **context: Any) -> str:
    """Render a public template without context processors: nothing here may depend on (or touch)
    the visitor's session, so the output is identical for everyone and safe to cache."""
    return current_app.jinja_env.get_template(template).render(
        organisation_name=current_app.config["ORGANISATION_NAME"],
        service_name=current_app.config["SERVICE_NAME"],
        govukRebrand=False,
        **context,
    )


def _signed_in_request() -> bool:
    return current_app.config["SESSION_COOKIE_NAME"] in request.cookies


def _fresh_for(now: datetime, next_publish_at: datetime | None) -> int:
    """Whole seconds a cache may reuse a response: never past the next `publish_at`, never negative."""
    if next_publish_at is None:
        return CACHE_SECONDS
    return max(0, min(CACHE_SECONDS, math.floor((next_publish_at - now).total_seconds())))


def _cacheable(response: Response, etag: str | None = None, *, now: datetime, next_publish_at: datetime | None,
               last_modified: datetime | None = None) -> Response:
    """Add validators and a public caching policy that ends by `next_publish_at`, and answer
    If-None-Match and If-Modified-Since with 304.

    With no time left before a publication, a cache may keep the response but must revalidate it
    (`no-cache`). A request carrying a session cookie gets its session cookie refreshed on the
    response, so such a response must never sit in a shared cache: it keeps the default `no-store`.
    """
    response.set_etag(etag or sha256(response.get_data()))
    if last_modified is not None:
        response.last_modified = last_modified
    if not _signed_in_request():
        response.cache_control.public = True
        seconds = _fresh_for(now, next_publish_at)
        if seconds:
            response.cache_control.max_age = seconds
        else:
            response.cache_control.no_cache = True
    return response.make_conditional(request)


def _listing(now: datetime, render: Callable[[], Response]) -> Response:
    """A listing validated by the register's version: a visitor whose copy is current gets 304
    without the listing queries or the template; otherwise `render` builds the response."""
    version = service.listing_version(now)
    etag = sha256(f"{request.full_path}|{version.key}")
    current = not is_resource_modified(request.environ, etag=etag, last_modified=version.last_modified)
    response = Response() if current else render()  # make_conditional turns the empty one into the 304
    return _cacheable(response, etag, now=now, next_publish_at=version.next_publish_at,
                      last_modified=version.last_modified)


# -- the register -----------------------------------------------------------------------------

@bp.route("/register")
def register():
    """The latest published revision of every assessment: search, team filter, pages."""
    now = clock.now()
    page = page_number(request.args.get("page"))
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    team = request.args.get("team", "").strip()[:MAX_QUERY]

    def href(number: int) -> str:
        return url_for("public.register", **{k: v for k, v in (("q", query), ("team", team)) if v}, page=number)

    def render() -> Response:
        result = service.register(now, query=query, team=team, page=page, per_page=PER_PAGE)
        body = _render("public/register.html", result=result,
                       references=service.assessment_references(result.items), query=query, team=team,
                       teams=service.register_teams(now), pagination=result.govuk(href, label="Register pages"))
        return Response(body, mimetype="text/html")

    return _listing(now, render)


def _links(reference: str, number: int) -> dict[str, str]:
    return {
        "html": url_for("public.revision", reference=reference, number=number, _external=True),
        "pdf": url_for("public.revision_pdf", reference=reference, number=number, _external=True),
        "json": url_for("public.revision_json", reference=reference, number=number, _external=True),
    }


@bp.route("/register.json")
def register_json():
    """The register as JSON, 100 assessments a page."""
    now = clock.now()
    page = page_number(request.args.get("page"))
    return _listing(now, lambda: _register_json(now, page))


def _register_json(now: datetime, page: int) -> Response:
    result = service.register(now, page=page, per_page=JSON_PER_PAGE)
    references = service.assessment_references(result.items)
    body = {
        "register": [{
            "reference": references[item.assessment_id],
            "title": item.title,
            "team": item.team_name,
            "revision": item.revision_number,
            "published": _iso(item.publish_at),
            "summary": item.summary,
            "links": _links(references[item.assessment_id], item.revision_number),
        } for item in result.items],
        "total": result.total,
        "page": result.number,
        "pages": result.pages,
        "links": {
            "self": url_for("public.register_json", page=page, _external=True),
            "next": url_for("public.register_json", page=page + 1, _external=True) if page < result.pages else None,
            "html": url_for("public.register", _external=True),
            "atom": url_for("public.feed", _external=True),
        },
    }
    text = json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(text, mimetype="application/json")


@bp.route("/register.atom")
def feed():
    """An Atom feed of published revisions, newest first (built as XML, so ElementTree escapes)."""
    now = clock.now()
    return _listing(now, lambda: _feed(now))


def _feed(now: datetime) -> Response:
    entries = service.feed_entries(now, limit=FEED_ENTRIES)
    organisation = current_app.config["ORGANISATION_NAME"]
    root = ET.Element("feed", {"xmlns": ATOM})
    ET.SubElement(root, "title").text = f"{organisation}: published impact assessments"
    ET.SubElement(root, "id").text = url_for("public.feed", _external=True)
    ET.SubElement(root, "updated").text = _iso(entries[0].publish_at if entries else datetime(1970, 1, 1, tzinfo=UTC))
    ET.SubElement(root, "link", {"rel": "self", "type": "application/atom+xml",
                                 "href": url_for("public.feed", _external=True)})
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html",
                                 "href": url_for("public.register", _external=True)})
    ET.SubElement(ET.SubElement(root, "author"), "name").text = organisation
    for entry in entries:
        links = _links(entry.reference, entry.number)
        element = ET.SubElement(root, "entry")
        ET.SubElement(element, "id").text = links["html"]
        ET.SubElement(element, "title").text = f"{entry.reference} revision {entry.number}: {entry.title}"
        ET.SubElement(element, "updated").text = _iso(entry.publish_at)
        ET.SubElement(element, "published").text = _iso(entry.publish_at)
        ET.SubElement(element, "link", {"rel": "alternate", "type": "text/html", "href": links["html"]})
        ET.SubElement(element, "link", {"rel": "enclosure", "type": "application/pdf", "href": links["pdf"]})
        ET.SubElement(element, "link", {"rel": "alternate", "type": "application/json", "href": links["json"]})
        ET.SubElement(element, "category", {"term": entry.team})
        ET.SubElement(element, "summary", {"type": "text"}).text = entry.summary or entry.title
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(data, mimetype="application/atom+xml")


@bp.route("/register/upcoming")
def upcoming():
    """What is planned: decided, scheduled and overdue publications not public yet, and their dates.

    Only the assessment's reference, title, revision number and the plan are shown; nothing of the
    unpublished content."""
    now = clock.now()
    body = _render("public/upcoming.html", items=service.upcoming(now))
    return _cacheable(Response(body, mimetype="text/html"), now=now, next_publish_at=service.next_publish_at(now))


# -- published assessments --------------------------------------------------------------------

def _published_page(reference: str, number: int | None) -> Response:
    now = clock.now()
    published = service.published_history(reference, now)
    history = published.entries
    visible = [entry for entry in history if entry.visible]
    if number is None:
        shown = visible[-1] if visible else None
    else:
        shown = next((entry for entry in visible if entry.number == number), None)
    if shown is None:
        abort(404)
    html, html_sha256 = service.stored_page(shown.id)
    later = [entry for entry in visible if entry.number > shown.number]
    withdrawn_later = [entry for entry in history if not entry.visible and entry.number > shown.number]
    notices = _render("public/_notices.html", reference=reference, shown=shown,
                      superseded_by=later[-1] if later else None,
                      withdrawn_later=[] if later else withdrawn_later)
    history_html = _render("public/_history.html", reference=reference, shown=shown, history=history,
                           latest_number=visible[-1].number)
    body = fill_markers(html, notices=notices, history=history_html)
    return _cacheable(Response(body, mimetype="text/html"),
                      etag=sha256(f"{html_sha256}:{sha256(notices + history_html)}"),
                      now=now, next_publish_at=published.next_publish_at)


def _visible_file(reference: str, number: int | None, *columns: Any, now: datetime) -> Any:
    row = service.visible_columns(reference, number, *columns, now=now)
    if row is None:
        abort(404)
    return row


def _pdf(reference: str, number: int | None) -> Response:
    now = clock.now()
    row = _visible_file(reference, number, Publication.pdf, Publication.pdf_sha256, now=now)
    filename = quote(f"{reference}-revision-{row.revision_number}.pdf", safe="")
    response = Response(row.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return _cacheable(response, etag=row.pdf_sha256, now=now, next_publish_at=row.next_publish_at)


def _json(reference: str, number: int | None) -> Response:
    now = clock.now()
    row = _visible_file(reference, number, Publication.json, Publication.json_sha256, now=now)
    return _cacheable(Response(row.json, mimetype="application/json"), etag=row.json_sha256, now=now,
                      next_publish_at=row.next_publish_at)


@bp.route("/register/<reference>")
def assessment(reference: str):
    """The latest published revision of an assessment."""
    return _published_page(reference, None)


@bp.route("/register/<reference>.pdf")
def assessment_pdf(reference: str):
    return _pdf(reference, None)


@bp.route("/register/<reference>.json")
def assessment_json(reference: str):
    return _json(reference, None)


@bp.route("/register/<reference>/<int:number>")
def revision(reference: str, number: int):
    """One published revision (a superseded one says so and links to the latest)."""
    return _published_page(reference, number)


@bp.route("/register/<reference>/<int:number>.pdf")
def revision_pdf(reference: str, number: int):
    return _pdf(reference, number)


@bp.route("/register/<reference>/<int:number>.json")
def revision_json(reference: str, number: int):
    return _json(reference, number)
