"""The occupation catalogue: seeded from seed 004, readable without logging in."""

from skillcert.testing import ServiceHarness

from ..factories import API


class TestListOccupations:
    async def test_lists_the_three_seeded_occupations_with_five_levels(
        self, harness: ServiceHarness
    ):
        response = await harness.client.get(f"{API}/occupations")
        assert response.status_code == 200
        occupations = {o["name"]: o for o in response.json()}
        assert set(occupations) == {"电子商务师", "供应链管理师", "互联网营销师"}
        assert occupations["电子商务师"]["code"] == "4-01-02-02"
        assert [(lv["level"], lv["name"]) for lv in occupations["互联网营销师"]["levels"]] == [
            (1, "一级/高级技师"),
            (2, "二级/技师"),
            (3, "三级/高级工"),
            (4, "四级/中级工"),
            (5, "五级/初级工"),
        ]

    async def test_seeding_again_adds_nothing(self, harness: ServiceHarness):
        from exam_scheduling.main import seed

        await seed(harness.ctx)
        response = await harness.client.get(f"{API}/occupations")
        assert len(response.json()) == 3
