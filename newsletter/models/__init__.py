from .alerts import Alert, AlertFrequency, AlertListing
from .letters import Delivery, DeliveryStatus, LetterIndexPage, LetterPage, LetterSending
from .subscribers import ContentKind, Subscriber, SubscriberSource, SubscriberStatus

__all__ = [
    "Alert",
    "AlertFrequency",
    "AlertListing",
    "ContentKind",
    "Delivery",
    "DeliveryStatus",
    "LetterIndexPage",
    "LetterPage",
    "LetterSending",
    "Subscriber",
    "SubscriberSource",
    "SubscriberStatus",
]
