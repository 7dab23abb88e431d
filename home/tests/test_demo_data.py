"""The demo's data files: a file that does not fit stops the demo with a message that names
the file and the field, before anything is written."""

import re
from pathlib import Path

import pytest

from home.demo_content import SiteData, load_page_tree, page_tree, site_data
from home.demo_data import DemoContentError, DemoDataError, read_records
from home.models import HomePage, StandardPage


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pages.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path):
    return load_page_tree(path, [HomePage, StandardPage])


def test_the_shipped_files_are_read():
    tree = page_tree()
    assert tree.slug == "accueil"
    assert [child.slug for child in tree.children] == [
        "le-reseau",
        "accessibilite",
        "mentions-legales",
        "donnees-personnelles",
    ]
    assert site_data().identity.organisation_name == "SO Coopération"


def test_a_missing_field_names_the_file_and_the_field(tmp_path):
    path = write(
        tmp_path,
        "slug: accueil\ntype: HomePage\ntitle: Accueil\nchildren:\n"
        "- slug: equipe\n  type: StandardPage\n",
    )
    with pytest.raises(DemoDataError) as caught:
        load(path)
    message = str(caught.value)
    assert str(path) in message
    assert "children[0].title" in message
    assert "champ obligatoire manquant" in message
    # The command reports it like any other demo error (a CommandError, no traceback).
    assert isinstance(caught.value, DemoContentError)


def test_a_value_of_the_wrong_type_is_named(tmp_path):
    path = write(
        tmp_path,
        "slug: accueil\ntype: HomePage\ntitle: Accueil\nfields:\n  body:\n"
        "  - heading: Titre\n  - key_figures:\n      title: Chiffres\n"
        "      figures:\n      - value: 176\n        label: acteurs\n",
    )
    with pytest.raises(
        DemoDataError, match=re.escape("fields.body[1].key_figures.figures[0].value")
    ):
        load(path)


@pytest.mark.parametrize(
    ("fields", "where", "why"),
    [
        ("  tagline: x\n", "fields.tagline", "champ inconnu du modèle HomePage"),
        ("  body:\n  - chart: x\n", "fields.body[0]", "type de bloc « chart » inconnu"),
        ("  body:\n  - paragraph:\n    - p: a\n      ul: [b]\n", "body[0].paragraph[0]", "soit p"),
        ("  body:\n  - quote:\n      text: a\n      author: b\n", "quote.author", "champ inconnu"),
    ],
)
def test_unknown_names_are_refused(tmp_path, fields, where, why):
    path = write(tmp_path, f"slug: accueil\ntype: HomePage\ntitle: Accueil\nfields:\n{fields}")
    with pytest.raises(DemoDataError) as caught:
        load(path)
    assert where in str(caught.value)
    assert why in str(caught.value)


def test_a_page_type_outside_the_file_s_models_is_refused(tmp_path):
    path = write(tmp_path, "slug: accueil\ntype: NewsPage\ntitle: Accueil\n")
    with pytest.raises(
        DemoDataError, match=r"type : type de page « NewsPage » inconnu \(possibles : HomePage"
    ):
        load(path)


def test_unreadable_yaml_names_the_file(tmp_path):
    path = write(tmp_path, "slug: accueil\ntitle: [Accueil\n")
    with pytest.raises(DemoDataError, match=re.escape(f"{path} : YAML invalide")):
        load(path)


def test_a_site_file_with_a_wrong_list_is_named(tmp_path):
    text = (Path(__file__).resolve().parents[1] / "demo" / "site.yaml").read_text()
    path = write(
        tmp_path,
        text.replace("footer_sections: [donnees-ouvertes, lettres]", "footer_sections: lettres"),
    )
    with pytest.raises(
        DemoDataError, match=re.escape(f"{path}, footer_sections : une liste attendue")
    ):
        read_records(path, SiteData)
