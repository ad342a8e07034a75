"""Every event the institution service listens to, and its handler: the one list."""

from skillcert.events import Event
from skillcert.inbox import EventHandler

HANDLERS: dict[type[Event], EventHandler] = {}
