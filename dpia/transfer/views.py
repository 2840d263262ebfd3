"""Transfer pages: the export format's JSON Schema, and the admins' export and import pages."""

from flask import Blueprint

bp = Blueprint("transfer", __name__)
