"""Institution sign-up: the head slot is taken here (one per institution), the account is made
by the gateway from `institution.registered` (it owns accounts), and the name and password reach
the head's phone by SMS. Flushes only; the caller owns the transaction."""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import uuid4

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from institution.directory.repository import DirectoryRepository
from institution.signup.models import InstitutionHead
from institution.signup.repository import SignUpRepository
from institution.signup.rules import ALREADY_REGISTERED, head_username, mismatch_problems
from institution.signup.schemas import SignUpIn, SignUpOut
from skillcert.auth import PhoneProof
from skillcert.errors import Conflict, FieldError, InvalidInput
from skillcert.events import InstitutionRegistered
from skillcert.outbox import record
from skillcert.pii import mask_phone

log = logging.getLogger(__name__)


class SignUpService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = SignUpRepository(session)
        self.directory = DirectoryRepository(session)

    async def sign_up(self, body: SignUpIn, proof: PhoneProof, now: datetime) -> SignUpOut:
        entry = await self.directory.get(body.institution_code)
        listed = (entry.province, entry.city, entry.name) if entry else None
        problems = mismatch_problems(listed, body.province, body.city, body.institution_name)
        if problems:
            raise InvalidInput("所选院校与教育部院校名单不一致", errors=problems)
        assert entry is not None
        if await self.repo.head_of(entry.code) is not None:
            raise Conflict(ALREADY_REGISTERED)
        head = InstitutionHead(
            institution_code=entry.code,
            head_account_id=uuid4(),
            phone=proof.phone,
            proof_id=proof.proof_id,
            registered_at=now,
        )
        try:
            async with self.session.begin_nested():
                await self.repo.add(head)
        except IntegrityError as exc:
            if await self.repo.head_of(entry.code) is not None:  # a parallel sign-up won
                raise Conflict(ALREADY_REGISTERED) from exc
            message = "该手机验证已使用，请重新获取短信验证码"
            raise InvalidInput(
                message, errors=[FieldError(field="phone_proof", message=message)]
            ) from exc
        await record(
            self.session,
            InstitutionRegistered(
                institution_code=entry.code,
                institution_name=entry.name,
                province=entry.province,
                city=entry.city,
                head_account_id=head.head_account_id,
                head_username=head_username(entry.code),
                head_phone=proof.phone,
                registered_at=now,
            ),
        )
        log.info("institution %s signed up, head %s", entry.code, mask_phone(proof.phone))
        return SignUpOut(
            institution_code=entry.code,
            institution_name=entry.name,
            username=head_username(entry.code),
            phone=mask_phone(proof.phone),
        )
