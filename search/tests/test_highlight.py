"""Highlighting marks a word of the query in the summary whatever its accents and plural,
and escapes the rest (it runs on every engine's results)."""

from search.highlight import highlight


def test_a_singular_query_marks_the_plural_and_accented_words():
    html = str(highlight("Des <b>formations</b> à la sécurité.", "formation securite"))
    assert html == "Des &lt;b&gt;<mark>formations</mark>&lt;/b&gt; à la <mark>sécurité</mark>."
