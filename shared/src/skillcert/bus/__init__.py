from skillcert.bus.base import (
    DeadLetter,
    Handler,
    Message,
    MessageBus,
    PermanentFailure,
    RetryLater,
    RetryPolicy,
    Subscription,
    topic_matches,
)

__all__ = [
    "DeadLetter",
    "Handler",
    "Message",
    "MessageBus",
    "PermanentFailure",
    "RetryLater",
    "RetryPolicy",
    "Subscription",
    "topic_matches",
]
