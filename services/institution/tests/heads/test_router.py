"""更换负责人 over HTTP: only the institution's own province replaces its head, the head slot
moves to a new account in the same transaction as the record and the event, and every
refusal is a Chinese problem+json."""

from typing import Any
from uuid import UUID

from institution.heads.rules import NEVER_SIGNED_UP, OTHER_PROVINCE
from institution.signup.models import InstitutionHead
from skillcert.auth import Role
from skillcert.events import InstitutionHeadReplaced, InstitutionRegistered
from skillcert.testing import ServiceHarness, assert_problem

CODE = "4111010028"  # 首都师范大学, 北京市
URL = f"/api/v1/institution/institutions/{CODE}/head-replacements"
BJ = "PROV-BJ"
BODY: dict[str, Any] = {"name": "李新", "phone": "13900139000", "reason": "原负责人调离"}


async def sign_up(harness: ServiceHarness) -> UUID:
    body = {
        "province": "110000",
        "city": "110100",
        "institution_code": CODE,
        "institution_name": "首都师范大学",
        "phone_proof": harness.tokens.phone_proof("13800138000"),
    }
    response = await harness.client.post("/api/v1/institution/sign-ups", json=body)
    assert response.status_code == 201, response.text
    [event] = await harness.outbox("institution.registered.v1")
    assert isinstance(event, InstitutionRegistered)
    return event.head_account_id


async def head(harness: ServiceHarness) -> InstitutionHead:
    async with harness.ctx.sessionmaker() as session:
        row = await session.get(InstitutionHead, CODE)
        assert row is not None
        return row


def province(harness: ServiceHarness, org_id: str = BJ) -> dict[str, str]:
    return harness.headers(Role.PROVINCE_ADMIN, org_id=org_id)


class TestReplace:
    async def test_the_province_replaces_the_head(self, harness: ServiceHarness):
        old = await sign_up(harness)
        response = await harness.client.post(URL, json=BODY, headers=province(harness))
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["institution_name"] == "首都师范大学"
        assert body["old_head_account_id"] == str(old)
        assert body["new_head_username"] == f"i{CODE}"
        assert (body["new_head_name"], body["new_head_phone"]) == ("李新", "139****9000")
        assert body["reason"] == "原负责人调离"
        new = UUID(body["new_head_account_id"])
        assert new != old
        slot = await head(harness)
        assert (slot.head_account_id, slot.phone) == (new, "13900139000")
        [event] = await harness.outbox("institution.head.replaced.v1")
        assert isinstance(event, InstitutionHeadReplaced)
        assert (event.old_head_account_id, event.new_head_account_id) == (old, new)
        assert (event.new_head_username, event.new_head_phone) == (f"i{CODE}", "13900139000")
        assert (event.institution_code, event.institution_name) == (CODE, "首都师范大学")
        [entry] = await harness.outbox("audit.recorded.v1")
        assert (entry.kind, entry.action, entry.subject_id) == (
            "decision",
            "institution.head.replaced",
            CODE,
        )
        assert "原负责人调离" in entry.reason

    async def test_the_history_lists_every_replacement_newest_first(self, harness: ServiceHarness):
        first = await sign_up(harness)
        one = await harness.client.post(URL, json=BODY, headers=province(harness))
        second = BODY | {"name": "王再", "phone": "13700137000", "reason": "再次调整"}
        two = await harness.client.post(URL, json=second, headers=province(harness))
        assert two.json()["old_head_account_id"] == one.json()["new_head_account_id"]
        listed = await harness.client.get(URL, headers=province(harness))
        assert listed.status_code == 200, listed.text
        rows = listed.json()
        assert [r["new_head_name"] for r in rows] == ["王再", "李新"]
        assert rows[1]["old_head_account_id"] == str(first)
        assert rows[0]["replaced_by_name"] == "test-province_admin"
        assert all("*" in r["new_head_phone"] for r in rows)  # masked in lists

    async def test_an_institution_that_never_signed_up_has_no_head_to_replace(
        self, harness: ServiceHarness
    ):
        response = await harness.client.post(URL, json=BODY, headers=province(harness))
        assert_problem(response, 409, slug="conflict", detail=NEVER_SIGNED_UP)
        assert await harness.outbox("institution.head.replaced.v1") == []

    async def test_an_unknown_institution_is_404(self, harness: ServiceHarness):
        url = URL.replace(CODE, "4999999999")
        response = await harness.client.post(url, json=BODY, headers=province(harness))
        assert_problem(response, 404, detail="名单中没有该院校")
        assert_problem(await harness.client.get(url, headers=province(harness)), 404)

    async def test_blank_name_and_reason_and_a_bad_phone_are_field_errors(
        self, harness: ServiceHarness
    ):
        await sign_up(harness)
        blank = BODY | {"name": "  ", "reason": " "}
        response = await harness.client.post(URL, json=blank, headers=province(harness))
        assert_problem(
            response,
            422,
            "name",
            "reason",
            messages={"name": "请填写新负责人姓名", "reason": "请填写更换原因"},
        )
        bad_phone = await harness.client.post(
            URL, json=BODY | {"phone": "12345"}, headers=province(harness)
        )
        assert_problem(bad_phone, 422, "phone")
        assert await harness.outbox("institution.head.replaced.v1") == []


class TestRefused:
    async def test_another_province_is_refused(self, harness: ServiceHarness):
        old = await sign_up(harness)
        other = province(harness, "PROV-GX")
        response = await harness.client.post(URL, json=BODY, headers=other)
        assert_problem(response, 403, detail=OTHER_PROVINCE)
        assert_problem(await harness.client.get(URL, headers=other), 403, detail=OTHER_PROVINCE)
        assert (await head(harness)).head_account_id == old
        assert await harness.outbox("institution.head.replaced.v1") == []
        assert await harness.outbox("audit.recorded.v1") == []

    async def test_a_province_account_without_a_province_is_refused(self, harness: ServiceHarness):
        await sign_up(harness)
        response = await harness.client.post(URL, json=BODY, headers=province(harness, "X"))
        assert_problem(response, 403, detail="账号未关联省级教育行政部门")

    async def test_other_roles_are_refused(self, harness: ServiceHarness):
        old = await sign_up(harness)
        for role, org in (
            (Role.CITY_REVIEWER, "CITY-110100"),
            (Role.INSTITUTION_HEAD, CODE),
            (Role.INSTITUTION_ADMIN, CODE),
            (Role.ORG_ADMIN, "ORG-DEMO"),
            (Role.CANDIDATE, None),
        ):
            headers = harness.headers(role, org_id=org)
            response = await harness.client.post(URL, json=BODY, headers=headers)
            assert_problem(response, 403, slug="forbidden")
            assert_problem(await harness.client.get(URL, headers=headers), 403)
        assert (await head(harness)).head_account_id == old
        assert await harness.outbox("institution.head.replaced.v1") == []

    async def test_anonymous_is_refused(self, harness: ServiceHarness):
        await sign_up(harness)
        assert_problem(await harness.client.post(URL, json=BODY), 401, slug="unauthorized")
        assert_problem(await harness.client.get(URL), 401, slug="unauthorized")
