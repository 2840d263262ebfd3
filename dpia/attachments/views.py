"""Attachment pages: upload, list, download and remove evidence files."""

from flask import Blueprint

bp = Blueprint("attachments", __name__)

# Published evidence files, for anyone, from the revision's publish_at on.
public_bp = Blueprint("published_files", __name__)
