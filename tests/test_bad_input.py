"""Bad input gets a 4xx and a message, never a 500: every route with hostile path and query values."""

import itertools
import re

from tests.web import csrf_token, sign_in

HOSTILE = ["0", "-1", "99999999999999999999", "x" * 300, "%00", "..%2f..%2fetc%2fpasswd", "<script>", "DPIA-2017-004"]
QUERIES = ["", "?from=abc&to=2", "?from=2&to=2", "?page=-1", "?page=abc", "?received=31-02-2018", "?kind=bogus",
           "?q=%27%20OR%201%3D1--", "?question=no.such"]


def concrete(rule, value):
    def replace(match):
        converter = match.group(1)
        if converter == "int":
            return "1" if not value.lstrip("-").isdigit() else value.lstrip("-")[:18]
        return value
    return re.sub(r"<(?:([^:>]+):)?[^>]+>", replace, rule.rule)


def test_no_route_answers_500_to_hostile_values(app, demo):
    client = app.test_client()
    assert sign_in(client, "dpo@demo.test", "demonstration-only").status_code == 302
    token = csrf_token(client, "/")
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "auth.sign_out"):
            continue
        values = HOSTILE if rule.arguments else [""]
        for value, query in itertools.product(values, QUERIES[:4] if rule.arguments else QUERIES):
            path = concrete(rule, value) + query
            if "GET" in rule.methods:
                response = client.get(path)
                assert response.status_code < 500, (path, response.status_code)
                checked += 1
            if "POST" in rule.methods:
                response = client.post(path, data={"csrf_token": token, "kind": "bogus", "target": "row:nope",
                                                   "publish_time": "25:99", "body": "x" * 6000})
                assert response.status_code < 500, ("POST", path, response.status_code)
                checked += 1
    assert checked > 300


def test_values_the_database_cannot_hold_are_refused_politely(app, demo):
    author = app.test_client()
    assert sign_in(author, "author@demo.test", "demonstration-only").status_code == 302
    section = "/assessments/DPIA-2018-011/revisions/1/sections/need"
    nul = author.post(section, data={"csrf_token": csrf_token(author, section), "f-need--aims": "a\x00b"})
    assert nul.status_code == 400 and "NUL" in nul.get_data(as_text=True)
    new_row = "/assessments/DPIA-2018-011/revisions/1/tables/lfr.retention/rows/new"
    huge = author.post(new_row, data={"csrf_token": csrf_token(author, new_row), "f-data_category": "x",
                                      "f-period_days": "99999999999", "f-trigger": "other", "f-justification": "y",
                                      "f-deletion_method": "manual"})
    assert huge.status_code == 400 and "36,500 or less" in huge.get_data(as_text=True)
    comments = "/assessments/DPIA-2018-011/revisions/1/comments"
    reply = author.post(comments, data={"csrf_token": csrf_token(author, comments), "body": "x",
                                        "parent_id": "99999999999999999999"})
    assert reply.status_code == 404
    assert author.get("/assessments/DPIA-2017-004/revisions/99999999999").status_code == 404
