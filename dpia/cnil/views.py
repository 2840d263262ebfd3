"""The admins' CNIL import page."""

from flask import Blueprint

bp = Blueprint("cnil", __name__)
