"""The one gunicorn configuration: worker count from the cores, settings from the environment."""

import runpy

from dpia.config import REPO_ROOT

CONFIG = REPO_ROOT / "gunicorn.conf.py"


def settings(monkeypatch, **environment):
    for name in ("DPIA_BIND", "PORT", "WEB_CONCURRENCY", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def test_workers_follow_the_cores_and_the_defaults_serve_loopback(monkeypatch):
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 2)
    values = settings(monkeypatch)
    assert values["workers"] == 5
    assert values["bind"] == "127.0.0.1:5000"
    assert values["worker_class"] == "sync"
    assert values["timeout"] == 30 and values["graceful_timeout"] == 30
    assert values["max_requests"] > 0 and values["max_requests_jitter"] > 0


def test_a_big_machine_is_capped_and_the_environment_wins(monkeypatch):
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 64)
    assert settings(monkeypatch)["workers"] == 9
    values = settings(monkeypatch, PORT="5055", WEB_CONCURRENCY="2", GUNICORN_TIMEOUT="60")
    assert (values["bind"], values["workers"], values["timeout"]) == ("127.0.0.1:5055", 2, 60)
    assert settings(monkeypatch, DPIA_BIND="0.0.0.0:8000")["bind"] == "0.0.0.0:8000"


def test_no_access_log_keeps_single_use_links_out_of_logs(monkeypatch):
    assert "accesslog" not in settings(monkeypatch)
