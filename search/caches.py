"""What the search caches, and what clears it.

A query's ranked match set, its outcomes (one per filters and page), its results page,
autocompletion and "did you mean" are kept briefly under `SEARCH`; the page universe (every
visible page with its facets) is kept longer under `UNIVERSE`. A page saved (not a mere
draft), moved, published, unpublished or deleted, a privacy restriction or a taxonomy term
changed bumps both; a document, a collection's restriction or a search promotion changes the
matches only.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from home.caching import Generation, ProcessMemo, bump_on, layer

SEARCH = Generation("search")
UNIVERSE = Generation("search-universe")

MATCH_SECONDS = 120

UNIVERSE_SET = layer(
    "search:universe",
    seconds=3600,
    generations=(UNIVERSE,),
    description="Pages visibles et leurs facettes (bitmaps), par base de données",
)
MATCHES = layer(
    "search:matches",
    seconds=MATCH_SECONDS,
    generations=(SEARCH,),
    description="Correspondances classées d'une requête (paires type, id compactées)",
)
MATCHED_PAGES = layer(
    "search:matched-pages",
    seconds=MATCH_SECONDS,
    generations=(SEARCH,),
    description="Pages trouvées par une requête (bitmap)",
)
OUTCOMES = layer(
    "search:outcome",
    seconds=MATCH_SECONDS,
    generations=(SEARCH,),
    description="Total, facettes et clés d'une page de résultats, par requête et filtres",
)
RESULTS = layer(
    "search:results",
    seconds=MATCH_SECONDS,
    generations=(SEARCH,),
    description="Résultats surlignés d'une page de résultats",
)
AUTOCOMPLETE = layer(
    "search:autocomplete",
    seconds=MATCH_SECONDS,
    generations=(SEARCH,),
    description="Suggestions de l'autocomplétion, par début de saisie",
)
SUGGESTIONS = layer(
    "search:suggestions",
    seconds=MATCH_SECONDS,
    generations=(SEARCH,),
    description="« Vouliez-vous dire » et thèmes proposés quand rien n'est trouvé",
)
# The normalised queries that have a promotion: most searches have none, and then need no
# query for them. Promotions are saved rarely (by editors): `SEARCH` also bumps then.
PROMOTED_QUERIES = ProcessMemo(SEARCH, max_entries=1)

VOCABULARY = layer(
    "search:vocabulary",
    seconds=600,
    description="Mots des titres publiés et des thèmes (pour « vouliez-vous dire »)",
)

# What Wagtail writes on the page row when a draft is saved, or a page locked: nothing a
# search reads (the index and the facets come from the published row).
DRAFT_FIELDS = frozenset(
    {
        "wagtail_admin_comments",
        "latest_revision_created_at",
        "draft_title",
        "latest_revision",
        "has_unpublished_changes",
        "locked",
        "locked_by",
        "locked_at",
    }
)


def live_page_changed(sender, update_fields=None, **kwargs) -> bool:
    """A page row saved or deleted, unless only its draft or lock changed."""
    if not (isinstance(sender, type) and issubclass(sender, Page)):
        return False
    return not (update_fields and set(update_fields) <= DRAFT_FIELDS)


def connect() -> None:
    from directory.models import Country, Departement, SustainableDevelopmentGoal, Theme

    for signal in (page_published, page_unpublished, post_page_move):
        bump_on(signal, UNIVERSE, SEARCH)
    # Any page type: the signal is sent with the concrete class.
    for signal in (post_save, post_delete):
        bump_on(signal, UNIVERSE, SEARCH, when=live_page_changed)
    for model in (PageViewRestriction, Theme, SustainableDevelopmentGoal, Country, Departement):
        for signal in (post_save, post_delete):
            bump_on(signal, UNIVERSE, SEARCH, sender=model)
    for model in (
        get_document_model(),
        CollectionViewRestriction,
        "wagtailsearchpromotions.SearchPromotion",
    ):
        for signal in (post_save, post_delete):
            bump_on(signal, SEARCH, sender=model)
