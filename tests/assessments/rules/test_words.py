"""Word diffs: which runs of words are kept, inserted or deleted, and that they join back into either text."""

from dpia.assessments.rules.words import Token, word_diff


def joined(tokens, *ops):
    return "".join(t.text for t in tokens if t.op in ops)


def test_word_diff_marks_inserted_and_deleted_words_keeping_whitespace():
    tokens = word_diff("Alert images are kept.", "Alert images are kept for 30 days.")
    assert tokens == (("Alert images are ", "equal"), ("kept.", "delete"), ("kept for 30 days.", "insert"))
    assert all(isinstance(t, Token) for t in tokens)


def test_word_diff_joins_back_into_either_text():
    old = "Faces of everyone passing.\n\nNo fixed retention period is set yet."
    new = "Faces of everyone passing.\n\nImages are **kept for 30 days** and then deleted."
    tokens = word_diff(old, new)
    assert joined(tokens, "equal", "insert") == new
    assert joined(tokens, "equal", "delete") == old
    assert tuple(dict.fromkeys(t.op for t in tokens)) == ("equal", "delete", "insert")
    assert "30 days" in next(t.text for t in tokens if t.op == "insert")


def test_word_diff_of_equal_and_empty_texts():
    assert word_diff("same words", "same words") == (("same words", "equal"),)
    assert word_diff("", "") == ()
    assert word_diff("", "new text") == (("new text", "insert"),)
    assert word_diff("old text", "") == (("old text", "delete"),)


def test_word_diff_leaves_the_space_after_changed_words_unmarked():
    assert word_diff("a b c", "a x c") == (("a ", "equal"), ("b", "delete"), ("x", "insert"), (" c", "equal"))
    assert word_diff("a c", "a b c") == (("a ", "equal"), ("b", "insert"), (" c", "equal"))


def test_word_diff_ignores_changes_of_whitespace_only():
    assert [t.op for t in word_diff("one  two", "one two")] == ["equal"]
