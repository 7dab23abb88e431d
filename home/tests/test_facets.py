"""The facet vocabulary every filtered list uses: which options show, in which order, with
which counts, and the chips that remove a chosen value."""

from __future__ import annotations

from home.facets import ActiveFilter, FacetOption, active_filters, labelled_by_label, options

THEMES = [("eau", "Eau et assainissement"), ("sante", "Santé"), ("education", "Éducation")]


def test_options_without_results_are_left_out_unless_chosen():
    found = options(THEMES, selected=["education"], counts={"eau": 4})
    assert found == [
        FacetOption("eau", "Eau et assainissement", 4, False),
        FacetOption("education", "Éducation", 0, True),
    ]


def test_a_fixed_vocabulary_keeps_its_empty_options():
    found = options(THEMES, counts={"sante": 1}, keep_empty=True)
    assert [(o.value, o.count) for o in found] == [("eau", 0), ("sante", 1), ("education", 0)]


def test_a_list_without_counts_shows_every_option_and_no_number():
    found = options(THEMES, selected=("sante",))
    assert [o.count for o in found] == [None, None, None]
    assert [o.value for o in found if o.selected] == ["sante"]


def test_values_known_from_the_data_are_sorted_by_their_label():
    names = {"BF": "Burkina Faso", "SN": "Sénégal", "BJ": "Bénin", "EG": "Égypte"}
    assert labelled_by_label({"SN", "EG", "BF", "BJ"}, names.get) == [
        ("BJ", "Bénin"),
        ("BF", "Burkina Faso"),
        ("EG", "Égypte"),
        ("SN", "Sénégal"),
    ]


def test_each_chosen_value_becomes_a_chip_that_removes_only_itself():
    chosen = [("odd", "6"), ("departement", "33"), ("inconnu", "x")]
    chips = active_filters(
        chosen,
        titles={"odd": "ODD", "departement": "Département"},
        label_of=lambda name, value: {"6": "6. Eau propre", "33": "Gironde (33)"}.get(value, value),
        querystring_without=lambda pair: "&".join(f"{n}={v}" for n, v in chosen if (n, v) != pair),
    )
    assert chips == [
        ActiveFilter("ODD", "6. Eau propre", "departement=33&inconnu=x"),
        ActiveFilter("Département", "Gironde (33)", "odd=6&inconnu=x"),
        # A name without a title keeps its own: never an error on an unexpected parameter.
        ActiveFilter("inconnu", "x", "odd=6&departement=33"),
    ]
