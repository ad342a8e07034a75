"""The payment service's context: its settings and the provider channel, typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from payment.config import PaymentSettings
from payment.wechat import WeChatPay
from skillcert.service import ContextAccess, ServiceContext


@dataclass
class PaymentResources:
    """Built by `payment.main.lifespan` (dev keys are generated then), closed at shutdown."""

    wechatpay: WeChatPay


Context = ServiceContext[PaymentSettings, PaymentResources]
context = ContextAccess[PaymentSettings, PaymentResources]()
CurrentContext = Annotated[Context, Depends(context.of_request)]
