"""The one Markdown renderer: sanitised, and rendered once per distinct source (by its hash)."""

from __future__ import annotations

import uuid

import pytest

from dpia.core import markdown
from dpia.core.markdown import RenderedCache, render_markdown


@pytest.fixture()
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every source the underlying renderer (Markdown, then nh3) is asked to render."""
    seen: list[str] = []
    real = markdown._render

    def counting(source: str) -> str:
        seen.append(source)
        return real(source)

    monkeypatch.setattr(markdown, "_render", counting)
    return seen


def unique(text: str) -> str:
    """A source no other test has rendered, so the process-wide cache starts cold for it."""
    return f"{text} {uuid.uuid4().hex}"


def test_the_same_source_is_rendered_once(renders):
    source = unique("Cameras read **number plates**")
    first, second = render_markdown(source), render_markdown(source)
    assert first == second and "<strong>number plates</strong>" in first
    assert renders == [source]


def test_different_sources_do_not_share_a_rendering(renders):
    one, two = unique("*one*"), unique("*two*")
    assert "<em>one</em>" in render_markdown(one) and "<em>two</em>" in render_markdown(two)
    assert "<em>one</em>" in render_markdown(one)
    assert renders == [one, two]


def test_the_renderers_settings_are_part_of_the_key(renders, monkeypatch):
    source = unique("Some _text_")
    render_markdown(source)
    monkeypatch.setattr(markdown, "_SETTINGS", "another allow-list")
    render_markdown(source)
    assert renders == [source, source]


def test_cached_output_is_still_sanitised(renders):
    source = unique('<script>alert(1)</script> [x](javascript:alert(1)) <img src="https://example.org/a.png">')
    for _ in range(2):
        html = render_markdown(source)
        assert "<script" not in html and "javascript:" not in html and "<img" not in html
    assert len(renders) == 1


def test_hits_and_misses_are_counted():
    source = unique("Counted")
    before = markdown.cache_info()
    render_markdown(source)
    render_markdown(source)
    after = markdown.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)


def test_the_cache_is_bounded_by_entries_least_recently_used_first():
    cache = RenderedCache(max_entries=2, max_size=1000)
    cache.put("a", "<p>a</p>")
    cache.put("b", "<p>b</p>")
    assert cache.get("a") == "<p>a</p>"  # now "b" is the least recently used
    cache.put("c", "<p>c</p>")
    assert cache.get("b") is None and cache.get("a") == "<p>a</p>" and cache.get("c") == "<p>c</p>"
    assert cache.info().entries == 2


def test_the_cache_is_bounded_by_total_size():
    cache = RenderedCache(max_entries=100, max_size=10)
    cache.put("a", "x" * 6)
    cache.put("b", "y" * 6)  # 12 characters: the oldest goes
    assert cache.get("a") is None and cache.get("b") == "y" * 6
    cache.put("huge", "z" * 11)  # larger than the whole cache: never held
    assert cache.get("huge") is None and cache.info().size == 6


def test_the_process_cache_has_limits():
    assert markdown._CACHE.max_entries <= 4096 and markdown._CACHE.max_size <= 64 * 1024 * 1024
