from .pages import EventIndexPage, EventPage, EventSession
from .registrations import Registration, is_network_member

__all__ = ["EventIndexPage", "EventPage", "EventSession", "Registration", "is_network_member"]
