"""Certificate issuance (证书发放): records from passed results, dual signing by the institution
head and the organisation, numbering, the signed e-certificate PDF, verification, revocation."""

from __future__ import annotations

import asyncio
import hmac
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from certificate.certificates.models import Certificate, SigningRound
from certificate.certificates.repository import CertificateRepository
from certificate.certificates.rules import (
    REJECT_ACTION,
    ROUND_STATES,
    SIGN_ACTION,
    STATES,
    Action,
    RoundAction,
    RoundState,
    Status,
    format_number,
    mask_name,
    normalise_id_number,
    normalise_number,
    number_prefix,
)
from certificate.certificates.schemas import (
    BatchItemOut,
    ItemErrorOut,
    SignatureOut,
    VerificationOut,
)
from certificate.config import CertificateSettings
from certificate.credentials.service import CredentialService
from certificate.identities.rules import IdentityKind
from certificate.identities.service import IdentityService
from certificate.pdf import (
    HEAD_SIGNATURE_FIELD,
    ORG_SIGNATURE_FIELD,
    CertificateContent,
    LongTermValidation,
    PdfVerificationError,
    SignatureCheck,
    SigningIdentity,
    render_certificate,
    sign_pdf,
    verify_pdf,
)
from certificate.photos.service import PhotoService
from certificate.plans.models import PlanInfo
from certificate.plans.repository import PlanRepository
from certificate.stamps.rules import organisation_owner
from certificate.stamps.service import StampService
from skillcert.auth import Principal, Role
from skillcert.clock import china_today, utcnow
from skillcert.errors import AppError, Forbidden, NotFound, RuleViolation
from skillcert.events import CertificateIssued, CertificateRevoked, ResultDetermined
from skillcert.outbox import record
from skillcert.paging import Slice
from skillcert.pii import mask_id_number
from skillcert.storage import ObjectStore

log = logging.getLogger("certificate")

NOT_FOUND = "证书不存在"
NO_HEAD_STAMP = "考核站点负责人尚未上传签名章，请先在机构管理中上传签名章后再签发"
# One answer for a wrong number and a wrong ID number, so verification cannot be used to
# find out whose ID number goes with a certificate number.
NO_MATCH = "未查询到证书，请核对证书编号和证件号码"
# Compared against when the number is unknown; no real ID number has this form.
STAND_IN_ID_NUMBER = "000000000000000000"


@dataclass(frozen=True)
class Record:
    certificate: Certificate
    plan: PlanInfo | None


def render_and_sign(
    content: CertificateContent,
    head: SigningIdentity,
    org: SigningIdentity,
    long_term: LongTermValidation | None = None,
) -> bytes:
    """The issued PDF: rendered, signed by the head, then by the organisation (each an
    incremental update, so the head's signature stays valid), each timestamped with its
    validation data embedded when ``long_term`` is given (PAdES B-LT). Blocking: run in a
    thread."""
    pdf = render_certificate(content)
    pdf = sign_pdf(pdf, head, HEAD_SIGNATURE_FIELD, "考核站点负责人确认签发", long_term=long_term)
    return sign_pdf(pdf, org, ORG_SIGNATURE_FIELD, "培训评价组织签发", long_term=long_term)


class CertificateService:
    def __init__(
        self, session: AsyncSession, settings: CertificateSettings, storage: ObjectStore
    ) -> None:
        self.session = session
        self.settings = settings
        self.storage = storage
        self.repo = CertificateRepository(session)
        self.plans = PlanRepository(session)

    # --- records -------------------------------------------------------------------------

    async def record_result(self, event: ResultDetermined) -> None:
        """A passed candidate gets a record waiting for the head's signature; a fail none."""
        if event.result != "pass":
            return
        certificate_id = uuid4()
        inserted = await self.repo.add_if_absent(
            {
                "id": certificate_id,
                "application_id": event.application_id,
                "candidate_id": event.candidate_id,
                "plan_id": event.plan_id,
                "ticket_number": event.ticket_number,
                "holder_name": event.candidate_name,
                "id_number": normalise_id_number(event.id_number),
                "institution_id": event.institution_id,
                "institution_name": event.institution_name,
                "status": Status.PENDING_HEAD_SIGNATURE,
                "determined_at": event.determined_at,
                "created_at": utcnow(),
            }
        )
        if not inserted:
            log.info("application %s already has a certificate record", event.application_id)
            return
        await self.repo.add_round(_new_round(certificate_id, 1))

    async def list_for(
        self, principal: Principal, status: Status | None, cursor: str | None, limit: int
    ) -> Slice[Record]:
        org_id = _org_of(principal)
        if principal.role is Role.INSTITUTION_HEAD:
            rows = await self.repo.page_for_institution(org_id, status, cursor, limit)
        else:
            rows = await self.repo.page_for_org(org_id, status, cursor, limit)
        return rows.map(lambda row: Record(*row))

    async def mine(self, candidate_id: UUID) -> list[tuple[Certificate, str | None]]:
        out: list[tuple[Certificate, str | None]] = []
        for cert in await self.repo.for_candidate(candidate_id):
            url = None
            if cert.status == Status.ISSUED and cert.pdf_key:
                url = await self.storage.presign_download(
                    cert.pdf_key, timedelta(seconds=self.settings.download_url_ttl_s)
                )
            out.append((cert, url))
        return out

    # --- signing -------------------------------------------------------------------------

    async def sign(self, principal: Principal, certificate_id: UUID) -> Record:
        """签发, by the head and the organisation in either order; the second signature numbers
        the certificate and stores the signed PDF. Irreversible."""
        rec = await self._visible(principal, certificate_id, for_update=True)
        cert = rec.certificate
        action = SIGN_ACTION[principal.role]
        target = self._transition(cert, action)
        if action is Action.HEAD_SIGN and not await self._stamps().has_stamp(cert.institution_id):
            # Seed 003 §3.2: the head signs "并加盖签名章"; a certificate must never be issued
            # with an empty stamp box.
            raise RuleViolation(NO_HEAD_STAMP)
        at = utcnow()
        current = await self._round(cert)
        name = principal.name or None
        if action is Action.HEAD_SIGN:
            cert.head_signed_by = current.head_signed_by = principal.account_id
            cert.head_signer_name = current.head_signer_name = name
            cert.head_signed_at = current.head_signed_at = at
        else:
            cert.org_signed_by = current.org_signed_by = principal.account_id
            cert.org_signer_name = current.org_signer_name = name
            cert.org_signed_at = current.org_signed_at = at
        if target is Status.ISSUED:
            assert rec.plan is not None
            await self._issue(cert, rec.plan, at)
            current.state = ROUND_STATES.transition(RoundState(current.state), RoundAction.COMPLETE)
        else:
            cert.status = target
        await self.session.flush()
        return rec

    async def rounds(self, principal: Principal, certificate_id: UUID) -> list[SigningRound]:
        """The certificate's signing history, oldest round first."""
        rec = await self._visible(principal, certificate_id)
        await self._round(rec.certificate)
        return await self.repo.rounds(certificate_id)

    async def _round(self, cert: Certificate) -> SigningRound:
        """The current round; records made before rounds existed get theirs on first use."""
        latest = await self.repo.latest_round(cert.id)
        if latest is not None:
            return latest
        legacy = _new_round(cert.id, 1, cert.created_at)
        legacy.head_signed_by, legacy.head_signer_name, legacy.head_signed_at = (
            cert.head_signed_by,
            cert.head_signer_name,
            cert.head_signed_at,
        )
        legacy.org_signed_by, legacy.org_signer_name, legacy.org_signed_at = (
            cert.org_signed_by,
            cert.org_signer_name,
            cert.org_signed_at,
        )
        if cert.status == Status.REJECTED:
            legacy.state = RoundState.REFUSED
            legacy.refused_by, legacy.refused_by_role = cert.rejected_by, cert.rejected_by_role
            legacy.refusal_reason, legacy.refused_at = cert.rejection_reason, cert.rejected_at
        elif cert.status in (Status.ISSUED, Status.REVOKED):
            legacy.state = RoundState.COMPLETED
        return await self.repo.add_round(legacy)

    async def batch_sign(self, principal: Principal, ids: list[UUID]) -> list[BatchItemOut]:
        """Each certificate on its own: one that cannot be signed does not stop the others."""
        items: list[BatchItemOut] = []
        for certificate_id in dict.fromkeys(ids):
            try:
                async with self.session.begin_nested():
                    rec = await self.sign(principal, certificate_id)
            except AppError as exc:
                items.append(
                    BatchItemOut(
                        id=certificate_id,
                        ok=False,
                        error=ItemErrorOut(
                            status=exc.status_code, title=exc.title, detail=exc.detail
                        ),
                    )
                )
            else:
                cert = rec.certificate
                items.append(
                    BatchItemOut(id=cert.id, ok=True, status=cert.status, number=cert.number)
                )
        return items

    async def _issue(self, cert: Certificate, plan: PlanInfo, at: datetime) -> None:
        issued_on = china_today(at)
        prefix = number_prefix(issued_on, plan.org_id, plan.level)
        number = format_number(prefix, await self.repo.next_sequence(prefix))
        identities = IdentityService(self.session, self.settings)
        head = await identities.leaf(
            IdentityKind.INSTITUTION, cert.institution_id, cert.institution_name
        )
        org = await identities.leaf(IdentityKind.ORGANISATION, plan.org_id, plan.org_name)
        stamps = self._stamps()
        stamp = await stamps.png_for(cert.institution_id)
        org_stamp = await stamps.png_for(organisation_owner(plan.org_id))
        photo = await PhotoService(self.session, self.storage).image_for(cert.application_id)
        content = CertificateContent(
            holder_name=cert.holder_name,
            # The certificate is the holder's own document and is verified by the full ID.
            id_number=cert.id_number,
            occupation=plan.occupation_name,
            level=plan.level_name,
            certificate_no=number,
            issue_date=issued_on,
            organisation_name=plan.org_name,
            institution_name=cert.institution_name,
            verify_url=f"{self.settings.public_base_url.rstrip('/')}/verify?number={number}",
            head_stamp_png=stamp,
            org_stamp_png=org_stamp,
            holder_photo=photo,
        )
        long_term = await identities.long_term()
        pdf = await asyncio.to_thread(render_and_sign, content, head, org, long_term)
        key = f"certificates/{number}.pdf"
        await self.storage.put(key, pdf, "application/pdf")
        cert.number = number
        cert.occupation_name = plan.occupation_name
        cert.level_name = plan.level_name
        cert.org_id = plan.org_id
        cert.org_name = plan.org_name
        cert.pdf_key = key
        cert.issued_at = at
        cert.status = Status.ISSUED
        cert.status_list_index = await CredentialService(self.session, self.settings).take_index(
            plan.org_id, plan.org_name, at
        )
        await record(
            self.session,
            CertificateIssued(
                certificate_id=cert.id,
                certificate_number=number,
                application_id=cert.application_id,
                candidate_id=cert.candidate_id,
                plan_id=cert.plan_id,
                issued_at=at,
            ),
        )
        log.info("certificate %s issued to %s", number, mask_id_number(cert.id_number))

    # --- refusal and revocation ----------------------------------------------------------

    async def reject(self, principal: Principal, certificate_id: UUID, reason: str) -> Record:
        """拒绝签发 with a reason, by a signer who has not signed this round: it ends the round
        and goes back to the organisation (its console lists status ``rejected``)."""
        rec = await self._visible(principal, certificate_id, for_update=True)
        cert = rec.certificate
        cert.status = self._transition(cert, REJECT_ACTION[principal.role])
        at = utcnow()
        current = await self._round(cert)
        current.state = ROUND_STATES.transition(RoundState(current.state), RoundAction.REFUSE)
        cert.rejected_by = current.refused_by = principal.account_id
        cert.rejected_by_role = current.refused_by_role = principal.role.value
        cert.rejection_reason = current.refusal_reason = reason
        cert.rejected_at = current.refused_at = at
        await self.session.flush()
        return rec

    async def reopen(self, principal: Principal, certificate_id: UUID, resolution: str) -> Record:
        """The organisation has dealt with a refusal (corrected the record outside, or
        confirmed it stands) and says how: the refused round is closed with that note and a
        new round opens, waiting for both signatures again."""
        if principal.role is not Role.ORG_ADMIN:
            raise Forbidden("只有培训评价组织可以处理拒签并重新发起签发")
        rec = await self._visible(principal, certificate_id, for_update=True)
        cert = rec.certificate
        cert.status = self._transition(cert, Action.REOPEN)
        at = utcnow()
        refused = await self._round(cert)
        refused.state = ROUND_STATES.transition(RoundState(refused.state), RoundAction.RESOLVE)
        refused.resolved_by = principal.account_id
        refused.resolution = resolution
        refused.resolved_at = at
        await self.repo.add_round(_new_round(cert.id, refused.seq + 1, at))
        # The certificate shows the current round; the refused one stays in the history.
        cert.head_signed_by = cert.head_signer_name = cert.head_signed_at = None
        cert.org_signed_by = cert.org_signer_name = cert.org_signed_at = None
        cert.rejected_by = cert.rejected_by_role = None
        cert.rejection_reason = cert.rejected_at = None
        await self.session.flush()
        return rec

    async def revoke(self, principal: Principal, certificate_id: UUID, reason: str) -> Record:
        """撤销 an issued certificate; verification then answers "revoked"."""
        rec = await self._visible(principal, certificate_id, for_update=True)
        cert = rec.certificate
        cert.status = self._transition(cert, Action.REVOKE)
        at = utcnow()
        cert.revoked_by = principal.account_id
        cert.revocation_reason = reason
        cert.revoked_at = at
        assert cert.number is not None and cert.org_id is not None
        await CredentialService(self.session, self.settings).revoked(cert.org_id, at)
        await record(
            self.session,
            CertificateRevoked(
                certificate_id=cert.id,
                certificate_number=cert.number,
                candidate_id=cert.candidate_id,
                reason=reason,
                revoked_at=at,
            ),
        )
        await self.session.flush()
        return rec

    # --- public verification -------------------------------------------------------------

    async def verify(self, number: str, id_number: str) -> VerificationOut:
        """证书查验 by number and full ID number; re-checks the PDF's signatures each time.

        An unknown number and a wrong ID number must be indistinguishable, or the number
        alone would tell whether a certificate exists: the same 404, the same work (the
        comparison runs against a stand-in when there is no certificate) and no answer before
        `verify_failure_floor_ms`, which hides what timing differences remain."""
        started = time.monotonic()
        cert = await self.repo.by_number(normalise_number(number))
        expected = normalise_id_number(cert.id_number) if cert else STAND_IN_ID_NUMBER
        matches = hmac.compare_digest(expected.encode(), normalise_id_number(id_number).encode())
        if cert is None or not matches:
            floor_s = self.settings.verify_failure_floor_ms / 1000
            await asyncio.sleep(max(0.0, floor_s - (time.monotonic() - started)))
            raise NotFound(NO_MATCH)
        assert cert.number is not None
        issued = cert.status == Status.ISSUED
        checks = await self._signature_checks(cert) if issued else []
        signed_fields = {c.field_name for c in checks}
        valid = (
            issued
            and signed_fields == {HEAD_SIGNATURE_FIELD, ORG_SIGNATURE_FIELD}
            and all(c.ok for c in checks)
        )
        download_url = None
        if issued and cert.pdf_key:
            download_url = await self.storage.presign_download(
                cert.pdf_key, timedelta(seconds=self.settings.download_url_ttl_s)
            )
        return VerificationOut(
            valid=valid,
            status=cert.status,
            number=cert.number,
            holder_name=mask_name(cert.holder_name),
            id_number=mask_id_number(cert.id_number) or "",
            occupation=cert.occupation_name,
            level=cert.level_name,
            issued_at=cert.issued_at,
            organisation=cert.org_name,
            institution=cert.institution_name,
            revoked_at=cert.revoked_at,
            revocation_reason=cert.revocation_reason,
            signatures=[
                SignatureOut(
                    field=c.field_name,
                    signer=c.signer_common_name,
                    valid=c.error is None and c.intact and c.valid and not c.modified_after_signing,
                    trusted=c.trusted,
                )
                for c in checks
            ],
            download_url=download_url,
        )

    async def _signature_checks(self, cert: Certificate) -> list[SignatureCheck]:
        if not cert.pdf_key:
            return []
        try:
            pdf = await self.storage.get(cert.pdf_key)
        except NotFound:
            log.error("certificate %s: PDF %s is missing from storage", cert.number, cert.pdf_key)
            return []
        roots = await IdentityService(self.session, self.settings).trust_roots()
        try:
            return await asyncio.to_thread(verify_pdf, pdf, roots)
        except PdfVerificationError:
            log.error("certificate %s: stored PDF is unreadable", cert.number)
            return []

    # --- helpers -------------------------------------------------------------------------

    async def _visible(
        self, principal: Principal, certificate_id: UUID, *, for_update: bool = False
    ) -> Record:
        """The certificate if the caller's institution or organisation owns it; staff of any
        other one get 404, so ids of other institutions' certificates reveal nothing."""
        org_id = _org_of(principal)
        cert = await self.repo.get(certificate_id, for_update=for_update)
        if cert is None:
            raise NotFound(NOT_FOUND)
        plan = await self.plans.get(cert.plan_id)
        if principal.role is Role.INSTITUTION_HEAD:
            if cert.institution_id != org_id:
                raise NotFound(NOT_FOUND)
        elif principal.role is Role.ORG_ADMIN:
            if plan is None or plan.org_id != org_id:
                raise NotFound(NOT_FOUND)
        else:
            raise Forbidden("当前账号无权执行此操作")
        return Record(cert, plan)

    def _stamps(self) -> StampService:
        return StampService(self.session, self.storage, self.settings.stamp_max_bytes)

    @staticmethod
    def _transition(cert: Certificate, action: Action) -> Status:
        return STATES.transition(Status(cert.status), action)


def _org_of(principal: Principal) -> str:
    if principal.org_id is None:
        raise Forbidden("当前账号未关联机构")
    return principal.org_id


def _new_round(certificate_id: UUID, seq: int, at: datetime | None = None) -> SigningRound:
    return SigningRound(
        id=uuid4(),
        certificate_id=certificate_id,
        seq=seq,
        state=RoundState.OPEN,
        opened_at=at or utcnow(),
    )
