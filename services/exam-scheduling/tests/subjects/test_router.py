"""The organisation's subject catalogue (考试科目, seed 003 §2.2.2) over HTTP."""

from typing import Any

import pytest

from exam_scheduling.subjects.models import Subject
from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import API, ECOMMERCE, INST, ORG, SUPPLY_CHAIN, count, org_admin

OTHER_ORG = "ORG-OTHER"


def subject_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": "基础考核",
        "method": "computer",
        "occupation_code": ECOMMERCE,
        "level": 1,
        "duration_minutes": 90,
        "audience": [],
    }
    payload.update(overrides)
    return payload


async def create(harness: ServiceHarness, org_id: str = ORG, **overrides: Any) -> dict[str, Any]:
    response = await harness.client.post(
        f"{API}/subjects", json=subject_payload(**overrides), headers=org_admin(harness, org_id)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


class TestCatalogue:
    async def test_subjects_get_numbers_and_the_certificate_names(self, harness: ServiceHarness):
        first = await create(harness)
        second = await create(
            harness,
            name="实操考核",
            method="practical",
            duration_minutes=190,
            audience=["院校考生", "社会考生"],
        )
        assert (first["number"], second["number"]) == ("000001", "000002")
        assert first["occupation_name"] == "电子商务师"
        assert first["level_name"] == "一级/高级技师"
        assert first["enabled"] is True and first["audience"] == []
        assert second["audience"] == ["院校考生", "社会考生"]

    async def test_the_organisation_lists_its_own_with_counts_and_filters(
        self, harness: ServiceHarness
    ):
        kept = await create(harness)
        off = await create(harness, name="综合应用考核")
        await create(harness, OTHER_ORG, name="他组织科目")
        response = await harness.client.post(
            f"{API}/subjects/{off['id']}/disable", headers=org_admin(harness)
        )
        assert response.json()["enabled"] is False
        listing = await harness.client.get(f"{API}/subjects", headers=org_admin(harness))
        body = listing.json()
        assert body["counts"] == {"all": 2, "enabled": 1, "disabled": 1}
        assert {s["name"] for s in body["items"]} == {"基础考核", "综合应用考核"}
        enabled = await harness.client.get(
            f"{API}/subjects", params={"enabled": "true"}, headers=org_admin(harness)
        )
        assert [s["id"] for s in enabled.json()["items"]] == [kept["id"]]
        by_number = await harness.client.get(
            f"{API}/subjects", params={"number": off["number"]}, headers=org_admin(harness)
        )
        assert [s["name"] for s in by_number.json()["items"]] == ["综合应用考核"]

    async def test_institutions_see_every_organisations_enabled_subjects(
        self, harness: ServiceHarness
    ):
        await create(harness)
        off = await create(harness, name="停用科目")
        await create(harness, OTHER_ORG, name="他组织科目")
        await harness.client.post(f"{API}/subjects/{off['id']}/disable", headers=org_admin(harness))
        response = await harness.client.get(
            f"{API}/subjects", headers=harness.headers(Role.INSTITUTION_ADMIN, org_id=INST)
        )
        assert {s["name"] for s in response.json()["items"]} == {"基础考核", "他组织科目"}

    async def test_an_edit_keeps_the_number(self, harness: ServiceHarness):
        subject = await create(harness)
        response = await harness.client.put(
            f"{API}/subjects/{subject['id']}",
            json=subject_payload(name="理论知识", duration_minutes=120, level=2),
            headers=org_admin(harness),
        )
        assert response.status_code == 200, response.text
        edited = response.json()
        assert (edited["number"], edited["name"], edited["level_name"]) == (
            subject["number"],
            "理论知识",
            "二级/技师",
        )


class TestBadInput:
    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"name": " "}, "name", None),
            ({"method": "oral"}, "method", None),
            ({"duration_minutes": 0}, "duration_minutes", None),
            ({"duration_minutes": 1441}, "duration_minutes", None),
            ({"level": 6}, "level", None),
            ({"occupation_code": "4-01-02-01"}, "occupation_code", "该证书不存在或未开放认定"),
            ({"audience": ["院校考生", "院校考生"]}, "audience.1", "参考对象重复"),
        ],
    )
    async def test_a_bad_field_is_named_and_nothing_written(
        self, harness: ServiceHarness, overrides: dict[str, Any], field: str, message: str | None
    ):
        response = await harness.client.post(
            f"{API}/subjects", json=subject_payload(**overrides), headers=org_admin(harness)
        )
        assert_problem(response, 422, field, messages={field: message} if message else None)
        assert await count(harness, Subject) == 0

    async def test_the_same_name_for_the_same_certificate_is_409(self, harness: ServiceHarness):
        await create(harness)
        response = await harness.client.post(
            f"{API}/subjects", json=subject_payload(), headers=org_admin(harness)
        )
        assert_problem(response, 409, "name", slug="conflict")
        other_level = await harness.client.post(
            f"{API}/subjects",
            json=subject_payload(occupation_code=SUPPLY_CHAIN),
            headers=org_admin(harness),
        )
        assert other_level.status_code == 201
        assert await count(harness, Subject) == 2


class TestFromTheOtherSide:
    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("PUT", "/subjects/{id}"),
            ("POST", "/subjects/{id}/enable"),
            ("POST", "/subjects/{id}/disable"),
        ],
    )
    @pytest.mark.parametrize(
        ("role", "org_id", "status", "slug"),
        [
            (Role.ORG_ADMIN, OTHER_ORG, 404, "not-found"),
            (Role.INSTITUTION_ADMIN, INST, 403, "forbidden"),
            (Role.CANDIDATE, None, 403, "forbidden"),
            (Role.REVIEWER, ORG, 403, "forbidden"),
            (None, None, 401, "unauthorized"),
        ],
    )
    async def test_only_the_owner_changes_a_subject(
        self,
        harness: ServiceHarness,
        method: str,
        path: str,
        role: Role | None,
        org_id: str | None,
        status: int,
        slug: str,
    ):
        subject = await create(harness)
        headers = harness.headers(role, org_id=org_id) if role else {}
        body = subject_payload(name="改名") if method == "PUT" else None
        response = await harness.client.request(
            method, API + path.format(id=subject["id"]), json=body, headers=headers
        )
        assert_problem(response, status, slug=slug)
        listing = await harness.client.get(f"{API}/subjects", headers=org_admin(harness))
        assert [(s["name"], s["enabled"]) for s in listing.json()["items"]] == [("基础考核", True)]

    @pytest.mark.parametrize(
        ("role", "org_id"),
        [(Role.INSTITUTION_ADMIN, INST), (Role.CANDIDATE, None), (None, None)],
    )
    async def test_only_an_organisation_adds_subjects(
        self, harness: ServiceHarness, role: Role | None, org_id: str | None
    ):
        headers = harness.headers(role, org_id=org_id) if role else {}
        response = await harness.client.post(
            f"{API}/subjects", json=subject_payload(), headers=headers
        )
        assert_problem(response, 401 if role is None else 403)
        assert await count(harness, Subject) == 0

    async def test_candidates_do_not_read_the_catalogue(self, harness: ServiceHarness):
        response = await harness.client.get(
            f"{API}/subjects", headers=harness.headers(Role.CANDIDATE)
        )
        assert_problem(response, 403, slug="forbidden")
