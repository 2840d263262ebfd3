"""The application factory and its configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dpia import create_app
from dpia.config import Config, ProductionConfig, TestConfig, config_from_environment

ROOT = Path(__file__).resolve().parents[1]


def test_test_config_builds_an_isolated_app(app):
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"] != Config.load()["SQLALCHEMY_DATABASE_URI"]


def test_config_class_is_chosen_by_environment(monkeypatch):
    monkeypatch.delenv("DPIA_ENV", raising=False)
    assert config_from_environment() is Config
    monkeypatch.setenv("DPIA_ENV", "production")
    assert config_from_environment() is ProductionConfig


def test_production_refuses_to_start_without_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("DPIA_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY, DATABASE_URL, DPIA_BASE_URL"):
        create_app(ProductionConfig)


def test_production_needs_an_https_base_url_for_links_in_mail(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("DPIA_BASE_URL", "http://dpia.example.org")
    with pytest.raises(RuntimeError, match="https://"):
        create_app(ProductionConfig)


def test_production_takes_secrets_from_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "s" * 48)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("DPIA_BASE_URL", "https://dpia.example.org/")
    app = create_app(ProductionConfig)
    assert app.config["SECRET_KEY"] == "s" * 48
    assert app.config["BASE_URL"] == "https://dpia.example.org"
    assert app.config["DEMO_ALLOWED"] is False
    assert app.config["HSTS"] is True
    assert not app.debug


def test_local_secret_key_is_generated_once(monkeypatch, tmp_path):
    from dpia import config

    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    first = config.local_secret_key()
    assert len(first) >= 48
    assert config.local_secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_secret_key_wins(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert Config.load()["SECRET_KEY"] == "from-the-environment"


def test_test_config_is_not_production():
    assert TestConfig.load()["TESTING"] is True


def test_a_web_worker_loads_no_document_builder_until_it_builds_a_file(tmp_path):
    """reportlab, python-docx (with lxml) and jsonschema were a quarter of a web worker's memory:
    they load with the first PDF, Word file or import, not with the app (and a page can be served first)."""
    script = ("import sys\nfrom app import create_app\napp = create_app()\n"
              "assert app.test_client().get('/healthz').status_code == 200\n"
              "print(sorted(m for m in ('reportlab', 'docx', 'lxml', 'jsonschema') if m in sys.modules))\n"
              "from dpia.documents.services import render_pdf\nprint('reportlab' in sys.modules)\n")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "SECRET_KEY": "s" * 48,
           "DPIA_ENV": "local"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,  # noqa: S603
                          check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "False"]
