"""A WeChat Pay APIv3 simulator the payment service talks to over HTTP, as to WeChat Pay.

The payment service knows nothing of it: a launcher (``make run``, ``make stack``, the tests)
generates a key set, gives the payment service the merchant's half and the simulator's address
through its ordinary settings, and runs the simulator (``create_app``) with the other half.
"""

from .app import SimulatorSettings, create_app
from .delivery import (
    PRODUCTION_RETRY_INTERVALS,
    DeliveryAttempt,
    DeliveryPolicy,
    DeliveryResult,
    deliver_notification,
)
from .keys import DevKeySet, generate_test_keys
from .router import CONTROL_PREFIX, build_control_router, build_simulator_router
from .server import serve
from .state import SimOrder, SimRefund, SimulatorError, SimulatorState

__all__ = [
    "CONTROL_PREFIX",
    "PRODUCTION_RETRY_INTERVALS",
    "DeliveryAttempt",
    "DeliveryPolicy",
    "DeliveryResult",
    "DevKeySet",
    "SimOrder",
    "SimRefund",
    "SimulatorError",
    "SimulatorSettings",
    "SimulatorState",
    "build_control_router",
    "build_simulator_router",
    "create_app",
    "deliver_notification",
    "generate_test_keys",
    "serve",
]
