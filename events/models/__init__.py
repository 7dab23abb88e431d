from .pages import EventIndexPage, EventPage, EventSession
from .registrations import Registration

__all__ = ["EventIndexPage", "EventPage", "EventSession", "Registration"]
