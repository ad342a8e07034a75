from datetime import UTC, datetime, timedelta

import pytest

from institution.pilot.rules import (
    DOC,
    TRANSITIONS,
    PilotAction,
    PilotStatus,
    batch_is_open,
    certificate_catalogue,
    city_of_org,
    major_catalogue,
    parse_certificates,
    parse_majors,
    sanitise,
    sniff_document,
    visible_text,
)
from skillcert.errors import Conflict

T0 = datetime(2026, 4, 1, tzinfo=UTC)


def test_the_window_includes_the_opening_and_excludes_the_close():
    closes = T0 + timedelta(days=3)
    assert batch_is_open(T0, closes, T0)
    assert not batch_is_open(T0, closes, closes)
    assert not batch_is_open(T0, closes, T0 - timedelta(seconds=1))


def test_submitted_is_locked_until_rejected():
    assert TRANSITIONS.transition(PilotStatus.DRAFT, PilotAction.SUBMIT_TO_CITY) == "city_review"
    assert TRANSITIONS.transition(PilotStatus.REJECTED, PilotAction.EDIT) == "rejected"
    for status in (PilotStatus.CITY_REVIEW, PilotStatus.PROVINCE_REVIEW, PilotStatus.APPROVED):
        assert not TRANSITIONS.allows(status, PilotAction.EDIT)
    with pytest.raises(Conflict, match="审核不通过，不能删除"):
        TRANSITIONS.transition(PilotStatus.REJECTED, PilotAction.DELETE)


def test_city_reviewer_orgs_name_a_real_city():
    assert city_of_org("CITY-320100") == "320100"
    assert city_of_org("CITY-320000") is None  # a province, not a city
    assert city_of_org("PROV-JS") is None and city_of_org(None) is None


def test_the_sample_catalogues_load():
    assert certificate_catalogue()["4-01-02-02"].name == "电子商务师职业技能等级证书"
    assert major_catalogue()["530701"].level == "高职专科"


def test_a_bad_catalogue_row_loads_nothing():
    entries, problems = parse_certificates("code,name,organisation\n4-01-02,X,Y\n")
    assert entries == [] and problems[0].field == "rows[2].code"
    entries, problems = parse_majors("code,name,level\n530701,电子商务,大学\n")
    assert entries == [] and problems[0].field == "rows[2].level"
    _, problems = parse_majors("code,name\n")
    assert problems[0].field == "header"


def test_rich_text_keeps_formatting_and_drops_scripts():
    dirty = '<p style="x" onclick="y()">师资<b>12</b>名<script>alert(1)</script></p>'
    assert sanitise(dirty) == "<p>师资<b>12</b>名</p>"
    assert 'href="javascript' not in sanitise('<a href="javascript:alert(1)">x</a>')
    assert visible_text("<p>&nbsp;</p><br>") == ""


def test_word_97_by_its_compound_file_header():
    assert sniff_document(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100) == DOC
    assert sniff_document(b"PK\x03\x04 not a zip") is None
