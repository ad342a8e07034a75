"""The GB/T 2260 tree built from python-stdnum's data, and its checks."""

from skillcert import divisions as rules


class TestTree:
    def test_every_province_level_division_is_there(self):
        codes = [d.code for d in rules.provinces()]
        assert len(codes) == 34  # 23 provinces, 5 regions, 4 municipalities, Hong Kong, Macao
        assert {"110000", "450000", "710000", "810000", "820000"} <= set(codes)
        assert rules.get("450000") is not None and rules.get("450000").name == "广西壮族自治区"

    def test_current_names_only(self):
        # 邢台 renamed its districts in 2020: the old name is history, the new one current.
        assert rules.get("130502") is not None and rules.get("130502").name == "襄都区"
        # 崇文区 was merged into 东城区 in 2010: no longer selectable.
        assert rules.get("110103") is None

    def test_city_level_placeholders_kept_county_level_ones_dropped(self):
        assert [(d.code, d.name) for d in rules.children("110000") or []] == [("110100", "市辖区")]
        assert rules.get("370701") is None  # 潍坊市 市辖区
        assert "370702" in [d.code for d in rules.children("370700") or []]

    def test_a_city_without_counties(self):
        dongguan = rules.get("441900")
        assert dongguan is not None and dongguan.level == 2 and dongguan.children == []
        assert not rules.needs_child("441900")
        assert rules.needs_child("370700")

    def test_label(self):
        assert rules.label("370000", "370700", "370702") == "山东省 潍坊市 潍城区"


class TestChecks:
    def test_unknown_and_wrong_level_codes(self):
        assert rules.unknown_code("999999", 1) is not None
        assert rules.unknown_code("37070", 3) is not None
        assert rules.unknown_code("370700", 3) == "该代码不是区县"
        assert rules.unknown_code("370702", 3) is None

    def test_chain(self):
        assert rules.chain_problem("370700", "370702", 3) is None
        assert rules.chain_problem("370700", "110108", 3) == "所选区县不属于所选城市"
        assert rules.chain_problem("110000", "370700", 2) == "所选城市不属于所选省份"
