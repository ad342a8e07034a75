"""The occupation catalogue: the certified occupations, their classification codes and the
related-occupation lists of seeds 001 and 004 with the 004 exception; readable without login."""

from sqlalchemy import delete, func, select

from exam_scheduling.catalogue.models import RelatedOccupation, RelatedOccupationException
from exam_scheduling.main import seed
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import API, ECOMMERCE, INTERNET_MARKETING, MARKETER, SUPPLY_CHAIN


async def related_rows(harness: ServiceHarness) -> int:
    async with harness.ctx.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(RelatedOccupation)) or 0)


async def detail(harness: ServiceHarness, code: str) -> dict:
    response = await harness.client.get(f"{API}/occupations/{code}")
    assert response.status_code == 200, response.text
    return response.json()


class TestListOccupations:
    async def test_lists_the_three_certified_occupations_with_five_levels(
        self, harness: ServiceHarness
    ):
        response = await harness.client.get(f"{API}/occupations")
        assert response.status_code == 200
        occupations = {o["name"]: o for o in response.json()}
        # The related-only occupations (营销员, 快递员 ...) are not offered for plans.
        assert set(occupations) == {"电子商务师", "供应链管理师", "互联网营销师"}
        assert occupations["电子商务师"]["code"] == ECOMMERCE
        assert occupations["电子商务师"]["national_code"] == "4-01-06-01"
        assert occupations["供应链管理师"]["code"] == SUPPLY_CHAIN
        assert [(lv["level"], lv["name"]) for lv in occupations["互联网营销师"]["levels"]] == [
            (1, "一级/高级技师"),
            (2, "二级/技师"),
            (3, "三级/高级工"),
            (4, "四级/中级工"),
            (5, "五级/初级工"),
        ]

    async def test_seeding_again_adds_nothing(self, harness: ServiceHarness):
        before = await related_rows(harness)
        await seed(harness.ctx)
        response = await harness.client.get(f"{API}/occupations")
        assert len(response.json()) == 3
        assert await related_rows(harness) == before


class TestGetOccupation:
    async def test_supply_chain_manager_applies_the_004_exception(self, harness: ServiceHarness):
        occupation = await detail(harness, SUPPLY_CHAIN)
        assert (occupation["name"], occupation["certified"]) == ("供应链管理师", True)
        assert len(occupation["levels"]) == 5
        related = {r["code"]: r for r in occupation["related_occupations"]}
        # 销售员 stands for the group 销售人员, which holds 电子商务师; 004 takes it out.
        assert ECOMMERCE not in related
        assert related[MARKETER]["listed_as"] == ["销售员"]
        assert related[INTERNET_MARKETING]["listed_as"] == ["销售员"]
        assert related["4-02-06-03"]["name"] == "物流服务师"
        assert related["4-02-06-03"]["listed_as"] == ["仓储员"]
        assert related["4-02-07-08"]["name"] == "快递员"
        assert related["4-01-01-00"]["name"] == "采购员"
        assert related["4-02-02-02"]["listed_as"] == ["轨道、道路、航空、水上货物运输人员"]
        assert SUPPLY_CHAIN not in related  # 本职业 is not its own related occupation
        assert len(related) == 29  # 1 + 7 sales - 电子商务师 + 4 + 4 + 11 + 3
        assert [(e["code"], e["name"]) for e in occupation["exceptions"]] == [
            (ECOMMERCE, "电子商务师")
        ]
        assert "海淀区鉴定中心" in occupation["exceptions"][0]["reason"]
        assert "北京" in occupation["exceptions"][0]["source"]

    async def test_ecommerce_merges_the_lists_of_001_and_004(self, harness: ServiceHarness):
        occupation = await detail(harness, ECOMMERCE)
        related = {r["code"]: r for r in occupation["related_occupations"]}
        assert len(related) == 17
        assert INTERNET_MARKETING in related and MARKETER in related
        # 001 writes 物流服务师, 004 物流服务员: one occupation named by both sources.
        logistics = related["4-02-06-03"]
        assert logistics["name"] == "物流服务师"
        assert logistics["listed_as"] == ["物流服务员", "物流服务师"]
        assert len(logistics["sources"]) == 2
        assert occupation["exceptions"] == []
        assert [r["code"] for r in occupation["related_occupations"]] == sorted(related)

    async def test_internet_marketer_counts_ecommerce(self, harness: ServiceHarness):
        occupation = await detail(harness, INTERNET_MARKETING)
        related = {r["code"]: r for r in occupation["related_occupations"]}
        assert len(related) == 25
        assert related[ECOMMERCE]["name"] == "电子商务师"
        assert related["2-06-07-11"]["name"] == "经纪与代理专业人员"
        assert related["2-06-07-11"]["listed_as"] == ["经济与代理专业人员"]
        assert related["6-08-01-01"]["national_code"] == "6-08-01-01"

    async def test_a_related_only_occupation_has_no_lists(self, harness: ServiceHarness):
        occupation = await detail(harness, MARKETER)
        assert (occupation["name"], occupation["certified"]) == ("营销员", False)
        assert occupation["related_occupations"] == [] and occupation["exceptions"] == []

    async def test_unknown_code_is_404_problem(self, harness: ServiceHarness):
        response = await harness.client.get(f"{API}/occupations/9-99-99-99")
        assert_problem(response, 404, slug="not-found")

    async def test_too_long_code_is_422_naming_it(self, harness: ServiceHarness):
        response = await harness.client.get(f"{API}/occupations/{'9' * 21}")
        assert_problem(response, 422, "path.code")


class TestSeedKeepsTheListsExact:
    async def test_restores_deleted_rows_and_drops_stale_seeded_ones(self, harness: ServiceHarness):
        before = await related_rows(harness)
        async with harness.ctx.sessionmaker() as session, session.begin():
            await session.execute(delete(RelatedOccupationException))
            await session.execute(
                delete(RelatedOccupation).where(RelatedOccupation.occupation_code == ECOMMERCE)
            )
            # A seeded relation the seeds no longer contain, and one an operator added.
            session.add(
                RelatedOccupation(
                    occupation_code=SUPPLY_CHAIN,
                    related_code="4-10-08-01",
                    source="seed-004",
                    listed_as="网约配送员",
                )
            )
            session.add(
                RelatedOccupation(
                    occupation_code=SUPPLY_CHAIN,
                    related_code="4-13-01-03",
                    source="local",
                    listed_as="讲解员",
                )
            )
        await seed(harness.ctx)
        assert await related_rows(harness) == before + 1  # the operator's row stays
        occupation = await detail(harness, SUPPLY_CHAIN)
        codes = [r["code"] for r in occupation["related_occupations"]]
        assert "4-10-08-01" not in codes and "4-13-01-03" in codes
        assert ECOMMERCE not in codes  # the exception is back
        assert [e["code"] for e in occupation["exceptions"]] == [ECOMMERCE]
        assert len((await detail(harness, ECOMMERCE))["related_occupations"]) == 17
