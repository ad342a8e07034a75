"""How the dependency audit judges what uv and npm report (skillcert_devtools.audit)."""

import json

from skillcert_devtools.audit import (
    CLEAN,
    FINDINGS,
    NOT_RUN,
    accepted_ids,
    combined,
    judge_python,
    judge_web,
)

OFFLINE = (
    "warning: `uv audit` is experimental\nerror: Request failed after 3 retries\n  cause: dns error"
)


def npm(vulnerabilities: dict[str, object]) -> str:
    return json.dumps({"auditReportVersion": 2, "vulnerabilities": vulnerabilities})


class TestPython:
    def test_no_finding_is_clean(self):
        assert judge_python(json.dumps({"vulnerabilities": []}), "")[0] == CLEAN

    def test_any_finding_fails_and_is_named(self):
        report = {
            "vulnerabilities": [
                {
                    "dependency": {"name": "jinja2", "version": "3.1.2"},
                    "display_id": "GHSA-h5c8-rqwp-cp95",
                    "fix_versions": ["3.1.3"],
                }
            ]
        }
        status, lines = judge_python(json.dumps(report), "")
        assert status == FINDINGS
        assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95" in lines[0]

    def test_no_network_is_not_run_not_clean(self):
        status, lines = judge_python("", OFFLINE)
        assert status == NOT_RUN
        assert "dns error" in lines[0] and "experimental" not in lines[0]


class TestWeb:
    def test_a_finding_with_a_fix_fails(self):
        report = npm({"axios": {"severity": "high", "fixAvailable": {"name": "axios"}}})
        assert judge_web(report, "")[0] == FINDINGS

    def test_a_finding_without_a_fix_is_reported_but_passes(self):
        status, lines = judge_web(npm({"x": {"severity": "low", "fixAvailable": False}}), "")
        assert status == CLEAN
        assert "no fix yet" in lines[0]

    def test_a_refusing_registry_is_not_run(self):
        refused = json.dumps({"message": "405 Method Not Allowed - POST …/advisories/bulk"})
        status, lines = judge_web(refused, "npm error audit endpoint returned an error")
        assert status == NOT_RUN and "405" in lines[0]


def test_a_finding_outranks_an_audit_that_could_not_run():
    assert combined(NOT_RUN, FINDINGS) == FINDINGS
    assert combined(CLEAN, NOT_RUN) == NOT_RUN
    assert combined(CLEAN, CLEAN) == CLEAN


def test_accepted_ids_skip_comments():
    text = "# header\n\nGHSA-aaaa-bbbb-cccc  CLI only (sec, 2026-12-07)\n"
    assert accepted_ids(text) == ["GHSA-aaaa-bbbb-cccc"]
