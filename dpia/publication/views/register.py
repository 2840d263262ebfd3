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
from functools import cache
from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, render_template, request, stream_with_context, url_for
from jinja2 import Environment
from werkzeug.http import http_date, is_resource_modified, quote_etag

from dpia.core import clock
from dpia.core.caching import BoundedCache
from dpia.core.csv_export import MIME_TYPE as CSV_MIME_TYPE
from dpia.core.csv_export import attachment, csv_chunks
from dpia.core.hashing import sha256
from dpia.core.pagination import page_number
from dpia.core.transaction import reads_only
from dpia.publication.models import Publication
from dpia.publication.services import register as service
from dpia.publication.services.bundles import fill_markers
from dpia.publication.services.retention import PublicRetentionLine, all_public_retention, public_retention
from dpia.publication.services.upcoming import upcoming as upcoming_publications
from dpia.registers.rules import PeriodBand, period_filter

bp = Blueprint("public", __name__)

PER_PAGE = 20
JSON_PER_PAGE = 100
FEED_ENTRIES = 50
MAX_QUERY = 200
CACHE_SECONDS = 300
ATOM = "http://www.w3.org/2005/Atom"
FRAGMENTS = ("public/_notices.html", "public/_history.html")


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
    policy = _public_policy(now, next_publish_at)
    if policy is not None:
        response.headers["Cache-Control"] = policy
    return response.make_conditional(request)


def _public_policy(now: datetime, next_publish_at: datetime | None) -> str | None:
    """`Cache-Control` for a public response (None for a request with a session cookie: no-store)."""
    if _signed_in_request():
        return None
    seconds = _fresh_for(now, next_publish_at)
    return f"public, max-age={seconds}" if seconds else "public, no-cache"


def _not_modified(etag: str, *, now: datetime, next_publish_at: datetime | None) -> Response:
    """The 304 for a visitor whose copy is current (the caller checked If-None-Match), as
    `_cacheable` would answer it, built directly: on the busiest public answer, a fifth of the
    page's own time went on building a response only to turn it into this."""
    headers = {"ETag": quote_etag(etag), "Date": http_date()}
    policy = _public_policy(now, next_publish_at)
    if policy is not None:
        headers["Cache-Control"] = policy
    return Response(status=304, headers=headers, content_type=None)


# Rendered listings by (address, register version), per worker process: the same listing is built
# once per change to the register, however many people read it.
_LISTINGS: BoundedCache[tuple[bytes, str]] = BoundedCache(max_entries=512, max_size=16 * 1024 * 1024)


def _listing(now: datetime, render: Callable[[], Response]) -> Response:
    """A listing validated by the register's version: a visitor whose copy is current gets 304
    without the listing queries or the template; anyone else gets the bytes rendered for this version
    of the register (kept in `_LISTINGS`), and only the first reader after a change waits for `render`.

    The version changes whenever a listing could: a publication scheduled or withdrawn bumps it, and
    one reaching its time moves the newest `publish_at` so far (see `service.listing_version`).
    """
    version = service.listing_version(now)
    etag = sha256(f"{request.host_url}|{request.full_path}|{version.key}")
    current = not is_resource_modified(request.environ, etag=etag, last_modified=version.last_modified)
    if current:
        response = Response()  # make_conditional turns the empty one into the 304
    else:
        stored = _LISTINGS.get(etag)
        if stored is None:
            rendered = render()
            stored = (rendered.get_data(), rendered.mimetype)
            _LISTINGS.put(etag, stored, len(stored[0]))
        response = Response(stored[0], mimetype=stored[1])
    return _cacheable(response, etag, now=now, next_publish_at=version.next_publish_at,
                      last_modified=version.last_modified)


# -- the register -----------------------------------------------------------------------------

@bp.route("/register")
@reads_only
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
                       query=query, team=team,
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
@reads_only
def register_json():
    """The register as JSON, 100 assessments a page."""
    now = clock.now()
    page = page_number(request.args.get("page"))
    return _listing(now, lambda: _register_json(now, page))


def _register_json(now: datetime, page: int) -> Response:
    result = service.register(now, page=page, per_page=JSON_PER_PAGE)
    body = {
        "register": [{
            "reference": item.reference,
            "title": item.title,
            "team": item.team_name,
            "revision": item.revision_number,
            "published": _iso(item.publish_at),
            "summary": item.summary,
            "links": _links(item.reference, item.revision_number),
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
@reads_only
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
@reads_only
def upcoming():
    """What is planned: decided, scheduled and overdue publications not public yet, and their dates.

    Only the assessment's reference, title, revision number and the plan are shown; nothing of the
    unpublished content."""
    now = clock.now()
    page = page_number(request.args.get("page"))
    planned = upcoming_publications(now, number=page, per_page=PER_PAGE)
    if page > 1 and not planned.items:
        abort(404)
    body = _render("public/upcoming.html", planned=planned, pagination=planned.govuk(
        lambda number: url_for("public.upcoming", page=number), label="Upcoming publication pages"))
    return _cacheable(Response(body, mimetype="text/html"), now=now, next_publish_at=service.next_publish_at(now))


# -- what we keep and for how long -----------------------------------------------------------
# Built from the rows each publication published (see services/retention.py) and served like the
# other listings: per register version, from `_LISTINGS`, with an ETag and 304. The JSON goes a page
# of 1,000 rules at a time (linking the next), like /register.json, so no cached listing grows with
# the register; the CSV is one whole file for spreadsheets, streamed (see `retention_csv`).

RETENTION_PER_PAGE = 50
RETENTION_FILE_PER_PAGE = 1000
RETENTION_CSV_HEADER = ("Reference", "Assessment", "Team", "Revision", "Published", "Data category",
                        "Kept for (days)", "Kept for", "Counted from", "Why this period", "Exceptions",
                        "How it is deleted", "Published assessment")


def _retention_band() -> PeriodBand | None:
    """The period chosen on /register/retention (anything else is a 400, not a silently empty list)."""
    raw = request.args.get("period", "").strip()
    if not raw:
        return None
    if raw not in {band.value for band in PeriodBand}:
        abort(400)
    return PeriodBand(raw)


@bp.route("/register/retention")
@reads_only
def retention():
    """What we keep and for how long: the retention rules of every published assessment."""
    now = clock.now()
    page = page_number(request.args.get("page"))
    band = _retention_band()

    def href(number: int) -> str:
        return url_for("public.retention", **({"period": band.value} if band else {}), page=number)

    def render() -> Response:
        result = public_retention(now, period=period_filter(band), page=page, per_page=RETENTION_PER_PAGE)
        body = _render("public/retention.html", result=result, band=band, bands=list(PeriodBand),
                       pagination=result.govuk(href, label="Retention register pages"))
        return Response(body, mimetype="text/html")

    return _listing(now, render)


def _retention_item(line: PublicRetentionLine) -> dict[str, Any]:
    return {
        "reference": line.reference, "title": line.title, "team": line.team_name, "revision": line.revision_number,
        "published": _iso(line.publish_at), "data_category": line.data_category, "period_days": line.period_days,
        "period": line.period, "counted_from": line.trigger, "justification": line.justification,
        "exceptions": line.exceptions, "deletion_method": line.deletion_method,
        "link": url_for("public.revision", reference=line.reference, number=line.revision_number, _external=True),
    }


@bp.route("/register/retention.json")
@reads_only
def retention_json():
    """The retention register as JSON, 1,000 rules a page."""
    now = clock.now()
    page = page_number(request.args.get("page"))

    def render() -> Response:
        result = public_retention(now, page=page, per_page=RETENTION_FILE_PER_PAGE)
        body = {
            "retention": [_retention_item(line) for line in result.items],
            "total": result.total, "more": result.more, "page": result.number, "pages": result.pages,
            "links": {
                "self": url_for("public.retention_json", page=page, _external=True),
                "next": url_for("public.retention_json", page=page + 1, _external=True)
                if result.has_next else None,
                "html": url_for("public.retention", _external=True),
                "csv": url_for("public.retention_csv", _external=True),
            },
        }
        return Response(json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True), mimetype="application/json")

    return _listing(now, render)


@bp.route("/register/retention.csv")
@reads_only
def retention_csv():
    """The whole retention register as one CSV file (spreadsheet formulas defused).

    Streamed, not stored: the file grows with the register, so it is written a chunk at a time from
    one statement and kept out of `_LISTINGS`. Its ETag is the register's version, so a client whose
    copy is current gets 304 before any rule is read."""
    now = clock.now()
    version = service.listing_version(now)
    etag = sha256(f"{request.host_url}|{request.full_path}|{version.key}")
    if not is_resource_modified(request.environ, etag=etag, last_modified=version.last_modified):
        response = Response()  # make_conditional turns the empty one into the 304
    else:
        rows = ((item["reference"], item["title"], item["team"], item["revision"], item["published"],
                 item["data_category"], item["period_days"], item["period"], item["counted_from"],
                 item["justification"], item["exceptions"], item["deletion_method"], item["link"])
                for item in map(_retention_item, all_public_retention(now)))
        response = Response(stream_with_context(csv_chunks(RETENTION_CSV_HEADER, rows)), mimetype=CSV_MIME_TYPE)
    response.headers["Content-Disposition"] = attachment("retention-register.csv")
    return _cacheable(response, etag, now=now, next_publish_at=version.next_publish_at,
                      last_modified=version.last_modified)


# -- published assessments --------------------------------------------------------------------

def _published_page(reference: str, number: int | None) -> Response:
    """A stored page with its notices and history. A visitor whose copy is current gets 304 from the
    history statement alone: the ETag is built from values that statement returns (the hash stored
    when the page was rendered, and the history's state), so no body is loaded, hashed or rendered."""
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
    etag = f"{shown.html_sha256[:40]}.{shown.id}.{published.state()}.{_fragments_version(current_app.jinja_env)}"
    if not is_resource_modified(request.environ, etag=etag):
        return _not_modified(etag, now=now, next_publish_at=published.next_publish_at)
    later = [entry for entry in visible if entry.number > shown.number]
    withdrawn_later = [entry for entry in history if not entry.visible and entry.number > shown.number]
    notices = _render("public/_notices.html", reference=reference, shown=shown,
                      superseded_by=later[-1] if later else None,
                      withdrawn_later=[] if later else withdrawn_later)
    history_html = _render("public/_history.html", reference=reference, shown=shown, history=history,
                           latest_number=visible[-1].number)
    body = fill_markers(service.stored_page(shown.id), notices=notices, history=history_html)
    return _cacheable(Response(body, mimetype="text/html"), etag, now=now, next_publish_at=published.next_publish_at)


@cache
def _fragments_version(environment: Environment) -> str:
    """The per-request fragments' templates, hashed once per process: a deployment that changes how
    notices or the history read changes every page's ETag."""
    sources = (environment.loader.get_source(environment, name)[0] if environment.loader else name
               for name in FRAGMENTS)
    return sha256("\0".join(sources))[:8]


def _stored_file(reference: str, number: int | None, content: Any, digest: Any, *, now: datetime) -> Any:
    """The file and its stored digest; the bytes are left in the database when the client holds them."""
    held = tuple(request.if_none_match.as_set(include_weak=True))
    row = service.visible_file(reference, number, content, digest, now=now, held=held)
    if row is None:
        abort(404)
    return row


# The files the worker builds after scheduling: extension -> (content column, digest column, MIME type, name).
_BUILT_FILES = {
    "pdf": (Publication.pdf, Publication.pdf_sha256, "application/pdf", "PDF"),
    "docx": (Publication.docx, Publication.docx_sha256,
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document"),
}


def _built_file(reference: str, number: int | None, extension: str) -> Response:
    """A published revision's PDF or Word file; until the worker has built it (a minute after
    scheduling at most), a 503 page that says so, with Retry-After, which no cache keeps."""
    now = clock.now()
    content, digest, mimetype, name = _BUILT_FILES[extension]
    row = _stored_file(reference, number, content, digest, now=now)
    if row.digest is None:
        page = render_template(
            "public/preparing.html", file_name=name, reference=reference, number=row.revision_number,
            file_url=url_for(f"public.revision_{extension}", reference=reference, number=row.revision_number),
            page_url=url_for("public.revision", reference=reference, number=row.revision_number))
        return Response(page, status=503, mimetype="text/html", headers={"Retry-After": "30"})
    filename = quote(f"{reference}-revision-{row.revision_number}.{extension}", safe="")
    response = Response(row.body or b"", mimetype=mimetype)
    disposition = "inline" if extension == "pdf" else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{filename}"
    return _cacheable(response, etag=row.digest, now=now, next_publish_at=row.next_publish_at)


def _json(reference: str, number: int | None) -> Response:
    now = clock.now()
    row = _stored_file(reference, number, Publication.json, Publication.json_sha256, now=now)
    return _cacheable(Response(row.body or "", mimetype="application/json"), etag=row.digest, now=now,
                      next_publish_at=row.next_publish_at)


@bp.route("/register/<reference>")
@reads_only
def assessment(reference: str):
    """The latest published revision of an assessment."""
    return _published_page(reference, None)


@bp.route("/register/<reference>.pdf")
def assessment_pdf(reference: str):
    return _built_file(reference, None, "pdf")


@bp.route("/register/<reference>.docx")
def assessment_docx(reference: str):
    return _built_file(reference, None, "docx")


@bp.route("/register/<reference>.json")
@reads_only
def assessment_json(reference: str):
    return _json(reference, None)


@bp.route("/register/<reference>/<int:number>")
@reads_only
def revision(reference: str, number: int):
    """One published revision (a superseded one says so and links to the latest)."""
    return _published_page(reference, number)


@bp.route("/register/<reference>/<int:number>.pdf")
def revision_pdf(reference: str, number: int):
    return _built_file(reference, number, "pdf")


@bp.route("/register/<reference>/<int:number>.docx")
def revision_docx(reference: str, number: int):
    return _built_file(reference, number, "docx")


@bp.route("/register/<reference>/<int:number>.json")
@reads_only
def revision_json(reference: str, number: int):
    return _json(reference, number)
