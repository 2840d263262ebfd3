"""Two versions of a test questionnaire, written out as YAML, and `upload` to store one."""

import textwrap
from datetime import timedelta

from dpia.accounts.rules import Role
from dpia.questionnaires.services import upload_version
from tests import factories
from tests.factories import RISK_MODEL_YAML

LATER = factories.NOW + timedelta(days=1)

HEADER = """\
key: {key}
title: Test questionnaire
version: "{version}"
regimes: [uk_gdpr]
""" + RISK_MODEL_YAML + """sections:
"""

V1_SECTIONS = """\
- key: about
  title: About
  questions:
    - {key: about.name, label: Project name, type: short_text, required: true}
    - {key: about.count, label: How many people, type: short_text}
    - {key: about.old, label: A question that goes, type: markdown}
    - {key: about.blank, label: Required but unanswered, type: markdown, required: true}
- key: tables
  title: Tables
  questions:
    - {key: t.risks, label: Risks, type: table, rows: risk}
    - {key: t.measures, label: Measures, type: table, rows: measure}
    - {key: t.retention, label: Retention, type: table, rows: retention_rule}
    - {key: t.access, label: Access, type: table, rows: access_rule}
    - key: t.systems
      label: Systems
      type: table
      columns:
        - {key: name, label: Name, type: short_text}
        - {key: users, label: Users, type: number}
        - {key: vendor, label: Vendor, type: short_text}
    - {key: t.other, label: Other rows, type: table, rows: access_rule}
    - {key: t.gone, label: A table that goes, type: table, rows: retention_rule}
    - {key: t.flat, label: A table that becomes text, type: table, rows: access_rule}
"""

# about.count becomes a number, about.old goes, about.purpose is new and required; t.other changes
# its kind of row, t.gone goes, t.flat becomes a text question, t.systems loses 'vendor' and
# 'users' becomes text.
V2_SECTIONS = """\
- key: about
  title: About
  questions:
    - {key: about.name, label: Name of the project, type: short_text, required: true}
    - {key: about.count, label: How many people, type: number}
    - {key: about.purpose, label: Purpose, type: markdown, required: true}
    - {key: about.blank, label: Required but unanswered, type: markdown, required: true}
    - key: about.cond
      label: Only when the count is answered
      type: markdown
      required: true
      show_if: {question: about.count, answered: true}
- key: tables
  title: Tables
  questions:
    - {key: t.risks, label: Risks, type: table, rows: risk, required: true}
    - {key: t.measures, label: Measures, type: table, rows: measure}
    - {key: t.retention, label: Retention, type: table, rows: retention_rule}
    - {key: t.access, label: Access, type: table, rows: access_rule}
    - key: t.systems
      label: Systems
      type: table
      columns:
        - {key: name, label: Name, type: short_text}
        - {key: users, label: Users, type: short_text}
        - {key: owner, label: Owner, type: short_text}
    - {key: t.other, label: Other rows, type: table, rows: retention_rule}
    - {key: t.flat, label: A table that becomes text, type: markdown}
    - {key: t.new, label: A new required table, type: table, rows: access_rule, required: true}
"""


def yaml_text(sections: str, *, version: str = "1", key: str = "test-q") -> str:
    return HEADER.format(key=key, version=version) + textwrap.indent(sections, "  ")


def upload(text: str, *, actor=None, now=factories.NOW):
    return upload_version(actor=actor or factories.create_user(Role.ADMIN), now=now, text=text, filename="q.yaml")
