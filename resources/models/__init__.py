from .content import (
    CallDocument,
    CallForProjectsPage,
    NewsPage,
    NewsPageTag,
    OpportunityPage,
    ResourceDocument,
    ResourcePage,
)
from .indexes import (
    CallIndexPage,
    GroupIndexPage,
    ListingIndexPage,
    NewsIndexPage,
    OpportunityIndexPage,
    ResourceIndexPage,
)

__all__ = [
    "CallDocument",
    "CallForProjectsPage",
    "CallIndexPage",
    "GroupIndexPage",
    "ListingIndexPage",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "OpportunityIndexPage",
    "OpportunityPage",
    "ResourceDocument",
    "ResourceIndexPage",
    "ResourcePage",
]
