from .accompaniments import (
    Accompaniment,
    AccompanimentFormat,
    AccompanimentRequest,
    AccompanimentTopic,
    ProjectStage,
    RequestStatus,
)
from .pages import ObservatoryPage

__all__ = [
    "Accompaniment",
    "AccompanimentFormat",
    "AccompanimentRequest",
    "AccompanimentTopic",
    "ObservatoryPage",
    "ProjectStage",
    "RequestStatus",
]
