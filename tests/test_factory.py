"""The application factory and its configuration."""

import pytest

from dpia import create_app
from dpia.config import Config, ProductionConfig, TestConfig, config_from_environment


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
