"""Exam sites (考核站点): applications, the organisation's decision, rooms (考场) per exam plan,
and requests to sit at another institution's site (借考)."""

from __future__ import annotations

from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.catalogue.repository import CatalogueRepository
from exam_scheduling.plans.models import ExamPlan
from exam_scheduling.plans.repository import PlanRepository
from exam_scheduling.sites.models import Room, Site, SiteAttachment, SiteBorrowing
from exam_scheduling.sites.repository import SiteRepository
from exam_scheduling.sites.rules import (
    BORROW_STATES,
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS_PER_SITE,
    MAX_ROOMS_PER_SITE,
    STATES,
    AttachmentStatus,
    BorrowAction,
    BorrowStatus,
    SiteAction,
    SiteStatus,
    attachment_key,
    is_institution,
    manages_rooms,
    region_problems,
    reviews_site,
    sees_site,
)
from exam_scheduling.sites.schemas import (
    AssignSiteIn,
    AttachmentIn,
    AttachmentOut,
    AttachmentUploadOut,
    BorrowingIn,
    BorrowingOut,
    CopyRoomsIn,
    PlanRoomsOut,
    RoomEditIn,
    RoomIn,
    RoomOut,
    SiteCertificateIn,
    SiteDecisionIn,
    SiteIn,
    SiteOut,
    SiteRoomsOut,
    SiteUploadOut,
    room_out,
)
from skillcert import divisions
from skillcert.audit import audit
from skillcert.auth import Principal, Role
from skillcert.clock import utcnow
from skillcert.errors import (
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from skillcert.storage import ObjectStore


class SiteService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = SiteRepository(session)

    async def apply(self, principal: Principal, data: SiteIn, org_names: dict[str, str]) -> SiteOut:
        """申报考核站点: always for the caller's own institution, addressed to one organisation."""
        if principal.role is not Role.INSTITUTION_ADMIN or principal.org_id is None:
            raise Forbidden("只有试点院校可以申报考核站点")
        problems = region_problems(data.province_code, data.city_code, data.county_code)
        if data.org_id not in org_names:
            problems.append(FieldError(field="org_id", message="培训评价组织不存在"))
        problems += await self._certificate_problems(data.certificates, "certificates")
        if problems:
            raise InvalidInput("考核站点申报信息有误", errors=problems)
        site = Site(
            name=data.name,
            institution_id=principal.org_id,
            institution_name=data.institution_name,
            org_id=data.org_id,
            org_name=org_names[data.org_id],
            province_code=data.province_code,
            city_code=data.city_code,
            county_code=data.county_code,
            address=data.address,
            description=data.description,
            contact_name=data.contact_name,
            contact_phone=data.contact_phone,
            contact_email=data.contact_email,
            certificates=[c.model_dump() for c in data.certificates],
            status=SiteStatus.PENDING,
            created_at=utcnow(),
        )
        self.repo.add(site)
        await self.session.flush()
        return _site_out(site)

    async def decide(
        self, principal: Principal, site_id: UUID, action: SiteAction, data: SiteDecisionIn | None
    ) -> SiteOut:
        """The organisation approves or rejects (with a reason) an application addressed to it."""
        site = await self.repo.get(site_id, lock=True)
        if site is None or not reviews_site(principal, site.org_id):
            raise NotFound("考核站点不存在")
        site.status = STATES.transition(SiteStatus(site.status), action)
        site.decided_at = utcnow()
        site.decision_reason = data.reason if data is not None else None
        await self.session.flush()
        await audit(
            self.session,
            principal,
            kind="decision",
            action=f"exam-scheduling.site.{site.status}",
            subject_type="exam_site",
            subject_id=site.id,
            reason=f"考核站点申请 {site.name}"
            + (f"：{site.decision_reason}" if site.decision_reason else ""),
        )
        return _site_out(site)

    async def visible_sites(self, principal: Principal) -> list[SiteOut]:
        if principal.org_id is None:
            raise Forbidden("当前账号无权查看考核站点")
        if principal.role is Role.ORG_ADMIN:
            sites = await self.repo.visible(org_id=principal.org_id)
        elif is_institution(principal):
            sites = await self.repo.visible(institution_id=principal.org_id)
        else:
            raise Forbidden("当前账号无权查看考核站点")
        return [_site_out(s) for s in sites]

    async def get(self, principal: Principal, site_id: UUID) -> SiteOut:
        return _site_out(await self._visible(principal, site_id))

    async def site_rooms(self, principal: Principal, site_id: UUID) -> SiteRoomsOut:
        """考场管理: the rooms per plan the site serves; its institution and organisation see it."""
        site = await self._visible(principal, site_id)
        rooms = await self.repo.all_rooms(site.id)
        plans = await self.repo.plans_served(site.id)
        return SiteRoomsOut(
            site_id=site.id,
            plans=[
                PlanRoomsOut(
                    plan_id=p.id,
                    plan_number=p.number,
                    plan_title=p.title,
                    exam_starts_at=p.exam_starts_at,
                    rooms=[room_out(r) for r in rooms if r.plan_id == p.id],
                )
                for p in plans
            ],
            standing=[room_out(r) for r in rooms if r.plan_id is None],
        )

    async def add_room(self, principal: Principal, site_id: UUID, data: RoomIn) -> RoomOut:
        site, plan = await self._rooms_of(principal, site_id, data.plan_id)
        if await self.repo.room_named(site.id, plan.id, data.name) is not None:
            raise Conflict(
                "该考点本次考试已有同名考场",
                errors=[FieldError(field="name", message="该考点本次考试已有同名考场")],
            )
        room = Room(
            site_id=site.id,
            plan_id=plan.id,
            number=await self._next_number(site.id, plan.id, 1),
            name=data.name,
            room_type=data.room_type,
            capacity=data.capacity,
            address=data.address,
            created_at=utcnow(),
        )
        self.repo.add(room)
        await self.session.flush()
        return room_out(room)

    async def copy_rooms(
        self, principal: Principal, site_id: UUID, data: CopyRoomsIn
    ) -> list[RoomOut]:
        """沿用之前的考场设置: the previous plan's rooms, as they were, for this plan; only into a
        plan with no rooms yet, so nothing is doubled."""
        site, plan = await self._rooms_of(principal, site_id, data.plan_id)
        if await self.repo.rooms(site.id, plan.id):
            raise Conflict("本次考试已设置考场，不能再沿用之前的考场设置")
        source = data.from_plan_id or await self.repo.previous_plan_with_rooms(site.id, plan)
        previous = await self.repo.rooms(site.id, source) if source is not None else []
        if source == plan.id or not previous:
            raise InvalidInput(
                "没有可沿用的考场设置",
                errors=[FieldError(field="from_plan_id", message="该考试计划在本考点没有考场")],
            )
        first = await self._next_number(site.id, plan.id, len(previous))
        copies = [
            Room(
                site_id=site.id,
                plan_id=plan.id,
                number=first + i,
                name=room.name,
                room_type=room.room_type,
                capacity=room.capacity,
                address=room.address,
                created_at=utcnow(),
            )
            for i, room in enumerate(previous)
        ]
        for room in copies:
            self.repo.add(room)
        await self.session.flush()
        return [room_out(r) for r in copies]

    async def edit_room(
        self, principal: Principal, site_id: UUID, room_id: UUID, data: RoomEditIn
    ) -> RoomOut:
        """编辑考场 by the site's own institution. Seated candidates keep their seat numbers
        (the admission ticket number encodes them), so the capacity may not drop below the
        highest seat held, and a room with candidates keeps its type (they were placed in it
        for their subject's method)."""
        site = await self._visible(principal, site_id, lock=True)
        if not manages_rooms(principal, site.institution_id):
            raise Forbidden("只有考核站点所属院校可以设置考场")
        room = await self.repo.room(site.id, room_id)
        if room is None:
            raise NotFound("考场不存在")
        # Allocation seats candidates under the plan's lock: holding it, no seat of this room
        # is taken between counting the seats and lowering the capacity.
        for plan_id in await self._plans_using(site.id, room):
            await PlanRepository(self.session).get(plan_id, lock=True)
        if data.name != room.name:
            twin = await self.repo.room_named(site.id, room.plan_id, data.name)
            if twin is not None and twin.id != room.id:
                raise Conflict(
                    "该考点本次考试已有同名考场",
                    errors=[FieldError(field="name", message="该考点本次考试已有同名考场")],
                )
        taken, highest = await self.repo.seats_taken(room.id)
        problems: list[FieldError] = []
        if data.capacity < highest:
            problems.append(
                FieldError(
                    field="capacity",
                    message=(
                        f"已安排 {taken} 名考生（最大座位号 {highest}），容量不能少于 {highest}"
                    ),
                )
            )
        if taken and data.room_type != room.room_type:
            problems.append(
                FieldError(field="room_type", message="考场已安排考生，不能更改考场类型")
            )
        if problems:
            raise Conflict("考场已安排考生，不能这样修改", errors=problems)
        room.name = data.name
        room.room_type = data.room_type
        room.capacity = data.capacity
        room.address = data.address
        await self.session.flush()
        return room_out(room)

    async def _plans_using(self, site_id: UUID, room: Room) -> list[UUID]:
        """The plans that may seat candidates in `room`, in id order (a fixed lock order):
        its own plan, or every plan of the site for a standing room."""
        if room.plan_id is not None:
            return [room.plan_id]
        return sorted(p.id for p in await self.repo.plans_served(site_id))

    async def remove_room(self, principal: Principal, site_id: UUID, room_id: UUID) -> None:
        site = await self.repo.get(site_id, lock=True)
        if site is None or not sees_site(principal, site.institution_id, site.org_id):
            raise NotFound("考核站点不存在")
        if not manages_rooms(principal, site.institution_id):
            raise Forbidden("只有考核站点所属院校可以设置考场")
        room = await self.repo.room(site.id, room_id)
        if room is None:
            raise NotFound("考场不存在")
        if await self.repo.room_in_use(room.id):
            raise Conflict("该考场已安排考生，不能删除")
        await self.session.delete(room)
        await self.session.flush()

    async def request_upload(
        self, principal: Principal, site_id: UUID, data: AttachmentIn, storage: ObjectStore
    ) -> AttachmentUploadOut:
        """其他佐证材料: a presigned upload for the site's own institution, while the application
        waits for its decision."""
        site = await self._applying(principal, site_id)
        if len(await self.repo.attachments(site.id)) >= MAX_ATTACHMENTS_PER_SITE:
            raise RuleViolation(f"每个考核站点申报最多上传 {MAX_ATTACHMENTS_PER_SITE} 份佐证材料")
        row = SiteAttachment(
            id=uuid4(),
            site_id=site.id,
            file_name=data.file_name,
            content_type=data.content_type,
            size=data.size,
            status=AttachmentStatus.PENDING,
            created_at=utcnow(),
        )
        row.object_key = attachment_key(site.id, row.id)
        self.repo.add(row)
        await self.session.flush()
        # The size limit travels in the upload policy, so the storage server itself refuses an
        # oversized file; what arrived is checked again on confirm.
        upload = await storage.presign_upload(
            row.object_key, data.content_type, max_bytes=MAX_ATTACHMENT_BYTES
        )
        return AttachmentUploadOut(
            attachment=AttachmentOut.from_model(row),
            upload=SiteUploadOut(
                method=upload.method,
                url=upload.url,
                headers=upload.headers,
                fields=upload.fields,
                expires_in_s=upload.expires_in_s,
            ),
        )

    async def confirm_upload(
        self, principal: Principal, site_id: UUID, attachment_id: UUID, storage: ObjectStore
    ) -> AttachmentOut:
        site = await self._applying(principal, site_id)
        row = await self.repo.attachment(site.id, attachment_id)
        if row is None:
            raise NotFound("佐证材料不存在")
        if row.status == AttachmentStatus.PENDING:
            info = await storage.stat(row.object_key)
            if info is None:
                raise RuleViolation("尚未收到上传的文件，请先上传再确认")
            if info.size > MAX_ATTACHMENT_BYTES:
                await storage.delete(row.object_key)
                raise RuleViolation("佐证材料不能超过 20 MB")
            row.size = info.size
            row.status = AttachmentStatus.ACCEPTED
            await self.session.flush()
        return AttachmentOut.from_model(row)

    async def attachments(
        self, principal: Principal, site_id: UUID, storage: ObjectStore
    ) -> list[AttachmentOut]:
        """The application's accepted documents with short-lived links, for its institution
        and the organisation deciding on it."""
        site = await self._visible(principal, site_id)
        return [
            AttachmentOut.from_model(row, await storage.presign_download(row.object_key))
            for row in await self.repo.attachments(site.id)
            if row.status == AttachmentStatus.ACCEPTED
        ]

    async def _applying(self, principal: Principal, site_id: UUID) -> Site:
        site = await self._visible(principal, site_id, lock=True)
        if not manages_rooms(principal, site.institution_id):
            raise Forbidden("只有申报院校可以上传佐证材料")
        if site.status != SiteStatus.PENDING:
            raise Conflict("该考点申报已审核，不能再补充佐证材料")
        return site

    async def request_borrowing(
        self, principal: Principal, data: BorrowingIn, org_names: dict[str, str]
    ) -> BorrowingOut:
        """借考: the institution asks; the organisation will assign a host site."""
        if principal.role is not Role.INSTITUTION_ADMIN or principal.org_id is None:
            raise Forbidden("只有试点院校可以申请借考")
        problems = []
        if data.org_id not in org_names:
            problems.append(FieldError(field="org_id", message="培训评价组织不存在"))
        certificate = SiteCertificateIn(occupation_code=data.occupation_code, level=data.level)
        problems += await self._certificate_problems([certificate], None)
        if problems:
            raise InvalidInput("借考申请信息有误", errors=problems)
        borrowing = SiteBorrowing(
            institution_id=principal.org_id,
            institution_name=data.institution_name,
            org_id=data.org_id,
            occupation_code=data.occupation_code,
            level=data.level,
            candidate_count=data.candidate_count,
            note=data.note or "",
            status=BorrowStatus.REQUESTED,
            created_at=utcnow(),
        )
        self.repo.add(borrowing)
        await self.session.flush()
        return BorrowingOut.from_model(borrowing, None)

    async def borrowings(self, principal: Principal) -> list[BorrowingOut]:
        if principal.org_id is None:
            raise Forbidden("当前账号无权查看借考申请")
        if principal.role is Role.ORG_ADMIN:
            rows = await self.repo.borrowings(org_id=principal.org_id)
        elif is_institution(principal):
            rows = await self.repo.borrowings(institution_id=principal.org_id)
        else:
            raise Forbidden("当前账号无权查看借考申请")
        return [BorrowingOut.from_model(b, name) for b, name in rows]

    async def assign(
        self, principal: Principal, borrowing_id: UUID, data: AssignSiteIn
    ) -> BorrowingOut:
        """The organisation names an approved site of its own that holds the certificate."""
        borrowing = await self._reviewed_borrowing(principal, borrowing_id)
        status = BORROW_STATES.transition(BorrowStatus(borrowing.status), BorrowAction.ASSIGN)
        site = (await self.repo.approved_for(borrowing.org_id, [data.site_id])).get(data.site_id)
        wanted = {"occupation_code": borrowing.occupation_code, "level": borrowing.level}
        if site is None or wanted not in site.certificates:
            raise InvalidInput(
                "所选考核站点不能承接该证书的借考",
                errors=[
                    FieldError(field="site_id", message="考核站点不存在、未获批或未申报该证书")
                ],
            )
        if site.institution_id == borrowing.institution_id:
            raise InvalidInput(
                "借考须安排到其他院校的考核站点",
                errors=[FieldError(field="site_id", message="不能安排到申请院校自己的考核站点")],
            )
        borrowing.status = status
        borrowing.site_id = site.id
        borrowing.decided_at = utcnow()
        await self.session.flush()
        return BorrowingOut.from_model(borrowing, site.name)

    async def reject_borrowing(
        self, principal: Principal, borrowing_id: UUID, data: SiteDecisionIn
    ) -> BorrowingOut:
        borrowing = await self._reviewed_borrowing(principal, borrowing_id)
        borrowing.status = BORROW_STATES.transition(
            BorrowStatus(borrowing.status), BorrowAction.REJECT
        )
        borrowing.decision_reason = data.reason
        borrowing.decided_at = utcnow()
        await self.session.flush()
        return BorrowingOut.from_model(borrowing, None)

    async def _reviewed_borrowing(self, principal: Principal, borrowing_id: UUID) -> SiteBorrowing:
        borrowing = await self.repo.borrowing(borrowing_id, lock=True)
        if borrowing is None or not reviews_site(principal, borrowing.org_id):
            raise NotFound("借考申请不存在")
        return borrowing

    async def _visible(self, principal: Principal, site_id: UUID, lock: bool = False) -> Site:
        site = await self.repo.get(site_id, lock=lock)
        # Another institution's or organisation's site is not theirs to know of: 404.
        if site is None or not sees_site(principal, site.institution_id, site.org_id):
            raise NotFound("考核站点不存在")
        return site

    async def _rooms_of(
        self, principal: Principal, site_id: UUID, plan_id: UUID
    ) -> tuple[Site, ExamPlan]:
        """The site and plan whose rooms the caller sets up: only the site's own institution,
        only for a plan its (approved) site was attached to."""
        site = await self._visible(principal, site_id, lock=True)
        if not manages_rooms(principal, site.institution_id):
            raise Forbidden("只有考核站点所属院校可以设置考场")
        plan = await self.repo.serves(site.id, plan_id)
        if plan is None:
            raise InvalidInput(
                "该考核站点未承接此考试计划",
                errors=[FieldError(field="plan_id", message="该考核站点未承接此考试计划")],
            )
        return site, plan

    async def _next_number(self, site_id: UUID, plan_id: UUID, adding: int) -> int:
        number = await self.repo.last_room_number(site_id, plan_id) + 1
        if number + adding - 1 > MAX_ROOMS_PER_SITE:
            raise RuleViolation(f"每个考点每次考试最多设置 {MAX_ROOMS_PER_SITE} 个考场")
        return number

    async def _certificate_problems(
        self, certificates: list[SiteCertificateIn], field: str | None
    ) -> list[FieldError]:
        catalogue = CatalogueRepository(self.session)
        problems: list[FieldError] = []
        seen: set[tuple[str, int]] = set()
        for i, c in enumerate(certificates):
            at = f"{field}.{i}." if field else ""
            occupation = await catalogue.occupation(c.occupation_code)
            if occupation is None or not occupation.certified:
                problems.append(
                    FieldError(field=f"{at}occupation_code", message="该证书不存在或未开放认定")
                )
            elif await catalogue.level(c.level) is None:
                problems.append(FieldError(field=f"{at}level", message="等级不存在"))
            elif (c.occupation_code, c.level) in seen:
                problems.append(FieldError(field=f"{at}level", message="证书重复"))
            seen.add((c.occupation_code, c.level))
        return problems


def _site_out(site: Site) -> SiteOut:
    return SiteOut.from_model(
        site, divisions.label(site.province_code, site.city_code, site.county_code)
    )
