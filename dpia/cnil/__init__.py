"""CNIL: importing assessments and templates exported by the CNIL's open-source PIA tool."""

from flask import Flask


def init_app(app: Flask) -> None:
    from dpia.cnil import cli, models  # noqa: F401 - registers the command and the annex model
    from dpia.cnil.services.common import revision_has_annex

    app.add_template_global(revision_has_annex, "cnil_annex_exists")
