"""AWS's EC2 error catalogue: every code on AWS's page has a status in vpclab, and every code
vpclab claims to raise is raised where AWS raises it.

The catalogue is tests/rules/error_codes.toml, built from AWS's "Error codes for the Amazon EC2
API" page (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html); the
triggers are in tests/rules/error_triggers*.py; docs/rules.md's "Error codes" section is generated
from the same file (tools/gen_rules_doc.py).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

import tests.rules.error_triggers_codes
import tests.rules.error_triggers_limits
import tests.rules.error_triggers_resources  # noqa: F401  (likewise)
from tests.rules.error_triggers import TRIGGERS
from vpclab import AwsError

ROOT = Path(__file__).resolve().parents[2]
STATUSES = {"raised", "answered-by", "open", "not-modelled"}


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("error_codes", ROOT / "tools" / "error_codes.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TOOL = _tool()
ENTRIES = TOOL.entries()
RAISED = sorted(code for code, e in ENTRIES.items() if e["status"] == "raised")


def test_every_code_on_awss_page_has_one_entry_with_a_status_and_its_reason() -> None:
    """AWS "Error codes for the Amazon EC2 API": common, action-specific and server codes; none is
    skipped silently (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    codes = [e["code"] for e in TOOL.catalogue()["code"]]
    assert len(codes) == len(set(codes)), "a code is listed twice"
    assert len(codes) >= 400
    for code, entry in ENTRIES.items():
        assert entry["status"] in STATUSES, code
        assert entry["section"] in {"common", "specific", "server"}, code
        if entry["status"] == "raised":
            assert entry["description"] and entry["where"], code
        else:
            assert entry["reason"], code
        if entry["status"] in ("open", "answered-by"):
            assert entry["description"], code
        if entry["status"] == "answered-by":
            assert entry["instead"] and code not in entry["instead"], code


def test_the_catalogue_says_where_each_raised_code_is_raised() -> None:
    """Every file the catalogue names raises the code; a code on AWS's page that the source raises
    is catalogued as raised (or open, with what vpclab answers instead), never as not modelled
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    found = TOOL.raised_codes(ENTRIES)
    for code in RAISED:
        missing = set(ENTRIES[code]["where"]) - found.get(code, set())
        assert not missing, f"{code}: not raised in {sorted(missing)}"
    not_modelled = [c for c in found if ENTRIES.get(c, {}).get("status") == "not-modelled"]
    assert not not_modelled, f"raised, but catalogued as not modelled: {not_modelled}"
    unlisted = [
        c for c in found if c in ENTRIES and ENTRIES[c]["status"] == "open" and not ENTRIES[c]["reason"]
    ]
    assert not unlisted


def test_a_code_answered_by_another_names_codes_vpclab_raises() -> None:
    """For a code whose case AWS answers with another code (the page's other spelling, or AWS's
    observed answer), the catalogue names that code, and vpclab raises it, not the page's one
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    found = TOOL.raised_codes(ENTRIES)
    answered = {code: e for code, e in ENTRIES.items() if e["status"] == "answered-by"}
    for code, entry in answered.items():
        # (`other_api_in`: files where the same code is another API's own, e.g. ELBv2's InvalidSubnet)
        stray = found.get(code, set()) - set(entry.get("other_api_in", ()))
        assert not stray, f"{code} is raised in {sorted(stray)}: catalogue it as raised"
        for other in entry["instead"]:
            assert other in found, f"{code}: vpclab does not raise {other}"
            assert ENTRIES.get(other, {}).get("status", "raised") == "raised", (code, other)


def test_codes_of_other_apis_are_raised_and_not_on_ec2s_page() -> None:
    """The [elsewhere] table names codes of the other APIs vpclab serves; each is raised and none is
    an EC2 page code (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    elsewhere = TOOL.catalogue()["elsewhere"]
    undocumented = TOOL.undocumented()
    assert sorted(set(elsewhere) - set(undocumented)) == []
    assert sorted(set(elsewhere) & set(ENTRIES)) == []


def test_every_raised_code_has_a_trigger() -> None:
    """(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)"""
    assert sorted(set(RAISED) - set(TRIGGERS)) == []
    assert sorted(set(TRIGGERS) - set(RAISED)) == []


@pytest.mark.parametrize("code", RAISED)
def test_each_raised_code_is_reachable(code: str, cp, monkeypatch) -> None:
    """Each code the catalogue marks raised is answered where AWS raises it: through the
    ControlPlane for an action's rules, through the EC2 endpoint or the SigV4 check for the
    protocol's codes (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html)."""
    try:
        answered = TRIGGERS[code](cp, monkeypatch)
    except AwsError as exc:
        answered = exc.code
    assert answered == code


def test_an_id_not_of_its_kinds_form_is_malformed_and_a_well_formed_unknown_one_not_found(cp, world) -> None:
    """AWS "Error codes for the Amazon EC2 API": InvalidVpcID.Malformed ("Ensure that you've specified
    the ID in the form vpc-xxxxxxxxxxxxxxxxx") against InvalidVpcID.NotFound, and likewise per kind
    (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). The wire message is
    the one clients report from AWS: Invalid id: "…" (expecting "vpc-...")."""
    from tests.conftest import raises_aws, unchanged

    with (
        unchanged(world),
        raises_aws("InvalidVpcID.Malformed", 'Invalid id: "subnet-0a1b2c3d" (expecting "vpc-...")'),
    ):
        cp.delete_vpc(vpc_id="subnet-0a1b2c3d")
    with unchanged(world), raises_aws("InvalidVpcID.NotFound", "The vpc ID 'vpc-0a1b2c3d' does not exist"):
        cp.delete_vpc(vpc_id="vpc-0a1b2c3d")
    with unchanged(world), raises_aws("InvalidGroupId.Malformed", 'Invalid id: "web" (expecting "sg-...")'):
        cp.delete_security_group(group_id="web")
