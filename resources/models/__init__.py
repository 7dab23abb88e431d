from .content import (
    CallDocument,
    CallForProjectsPage,
    GroupCoLead,
    GroupMeeting,
    GroupPage,
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
    "GroupCoLead",
    "GroupIndexPage",
    "GroupMeeting",
    "GroupPage",
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
