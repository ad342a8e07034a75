"""Every event the gateway listens to: none. It only publishes (identity.*)."""

from skillcert.events import Event
from skillcert.inbox import EventHandler

HANDLERS: dict[type[Event], EventHandler] = {}
