"""The directory's CSV format, the sample set, and the province a province admin acts for."""

from institution.config import SAMPLE_DIRECTORY
from institution.directory.rules import Level, parse_csv, province_of_org

HEADER = "code,name,province,city,level\n"


class TestParseCsv:
    def test_a_good_file_gives_every_row(self):
        entries, problems = parse_csv(HEADER + "4111010028,首都师范大学,110000,110100,本科\n")
        assert problems == []
        assert [(e.code, e.name, e.city, e.level) for e in entries] == [
            ("4111010028", "首都师范大学", "110100", Level.UNDERGRADUATE)
        ]

    def test_a_byte_order_mark_is_ignored(self):
        entries, problems = parse_csv(
            "\ufeff" + HEADER + "4111010028,首都师范大学,110000,110100,本科\n"
        )
        assert problems == [] and len(entries) == 1

    def test_every_bad_row_is_reported_and_nothing_is_returned(self):
        text = (
            HEADER
            + "4111010028,首都师范大学,110000,110100,本科\n"
            + "41110,短码学校,110000,110100,本科\n"
            + "4132010284,南京大学,110000,320100,本科\n"
            + "4145010593,广西大学,450000,450100,大学\n"
            + "4111010028,重复学校,110000,110100,本科\n"
        )
        entries, problems = parse_csv(text)
        assert entries == []
        assert {(p.field, p.message) for p in problems} == {
            ("rows[3].code", "学校标识码应为10位数字"),
            ("rows[4].city", "所选城市不属于所选省份"),
            ("rows[5].level", "办学层次应为本科、高职、中职、技工之一"),
            ("rows[6].code", "学校标识码与第2行重复"),
        }

    def test_a_wrong_header_is_one_problem(self):
        entries, problems = parse_csv("学校标识码,学校名称\n4111010028,首都师范大学\n")
        assert entries == []
        assert [p.field for p in problems] == ["header"]


class TestSampleSet:
    def test_the_sample_parses_and_covers_the_seed_institutions(self):
        entries, problems = parse_csv(SAMPLE_DIRECTORY.read_text(encoding="utf-8"))
        assert problems == []
        by_name = {e.name: e for e in entries}
        # seed 003 §1.1.3 (the base-info screen) and §1.2.2 (the listing's institution)
        assert by_name["首都师范大学"].code == "4111010028"
        assert by_name["南京金陵中等专业学校"].city == "320100"
        # enough to test with: several provinces, several cities in one, every level
        assert len({e.province for e in entries}) >= 5
        assert len({e.city for e in entries if e.province == "450000"}) >= 3
        assert {e.level for e in entries} == set(Level)


class TestProvinceOfOrg:
    def test_gb_t_2260_letters_name_the_province(self):
        assert province_of_org("PROV-GX") == "450000"
        assert province_of_org("PROV-BJ") == "110000"

    def test_anything_else_names_none(self):
        assert province_of_org("PROV-XX") is None
        assert province_of_org("INST-DEMO") is None
        assert province_of_org(None) is None
