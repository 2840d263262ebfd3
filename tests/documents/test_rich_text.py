"""The one reader of Markdown answers for the PDF and Word files: plain runs with their formats."""

from dpia.documents.rich_text import LINE_BREAK, Code, MarkdownTable, Nesting, Paragraph, Rule, Run, markdown_blocks


def test_formats_are_runs_and_links_show_their_address() -> None:
    (paragraph,) = markdown_blocks("**bold** *it* `x < y` [text](https://example.org/?a=1&b=2)")
    assert paragraph == Paragraph((Run("bold", bold=True), Run(" "), Run("it", italic=True), Run(" "),
                                   Run("x < y", code=True), Run(" "), Run("text"),
                                   Run(" (https://example.org/?a=1&b=2)")))


def test_a_line_break_is_its_own_run_but_a_line_end_in_the_text_is_a_space() -> None:
    (soft,) = markdown_blocks("one\ntwo")
    assert LINE_BREAK not in [run.text for run in soft.runs] and "".join(r.text for r in soft.runs) == "one two"
    (hard,) = markdown_blocks("one  \ntwo")
    assert [run.text for run in hard.runs] == ["one", LINE_BREAK, "two"]


def test_lists_quotes_code_rules_and_tables_keep_their_nesting() -> None:
    blocks = markdown_blocks("- a\n    - b\n\n> q\n\n```\n<b> & code\n```\n\n---\n\n| a |\n|---|\n| **1** |\n")
    assert Paragraph((Run("a"),), bullet="•", nesting=Nesting(lists=1)) in blocks
    assert Paragraph((Run("b"),), bullet="–", nesting=Nesting(lists=2)) in blocks
    assert Paragraph((Run("q"),), nesting=Nesting(quotes=1)) in blocks
    assert Code("<b> & code") in blocks and Rule() in blocks
    (table,) = [b for b in blocks if isinstance(b, MarkdownTable)]
    assert [[(c.header, c.runs) for c in row] for row in table.rows] == [[(True, (Run("a"),))],
                                                                         [(False, (Run("1", bold=True),))]]


def test_raw_html_leaves_only_its_text() -> None:
    blocks = markdown_blocks('<img src="/etc/passwd"/> <font color=red>x</font> <a href="javascript:1">y</a>')
    assert "".join(run.text for block in blocks for run in block.runs) == "x y"


def test_nesting_is_bounded_however_deep_the_html() -> None:
    (deep,) = markdown_blocks("<ul><li>" * 50 + "deep" + "</li></ul>" * 50)
    assert deep.nesting.depth <= 6
