"""Who is calling: the authorizer's claims read at the HTTP edge (GIVEN / WHEN / THEN)."""

from __future__ import annotations

import pytest
from moderation.http.auth import Forbidden, Unauthorized, groups_from_claim, moderator_from_claims


@pytest.mark.parametrize(
    ("claim", "groups"),
    [
        ("[moderators]", {"moderators"}),
        ("[editors moderators]", {"editors", "moderators"}),
        ('["editors", "moderators"]', {"editors", "moderators"}),
        # A comma is part of a (strange) group name, never a separator.
        ("readers,moderators", {"readers,moderators"}),
        ("[readers,moderators]", {"readers,moderators"}),
        (["moderators", "editors"], {"editors", "moderators"}),
        ("[]", set()),
        (None, set()),
        (42, set()),
    ],
)
def test_group_claims_are_read_in_every_shape_cognito_sends(claim: object, groups: set[str]) -> None:
    assert groups_from_claim(claim) == groups


def test_the_moderator_is_named_by_username_then_email_then_sub() -> None:
    groups = {"cognito:groups": "[moderators]"}
    assert moderator_from_claims({"username": "grace", "email": "g@x.org", **groups}).name == "grace"
    assert moderator_from_claims({"cognito:username": "grace", "sub": "1f", **groups}).name == "grace"
    assert moderator_from_claims({"email": "g@x.org", "sub": "1f", **groups}).name == "g@x.org"
    assert moderator_from_claims({"sub": "1f", **groups}).name == "1f"


def test_no_identity_is_unauthorized_and_no_group_is_forbidden() -> None:
    with pytest.raises(Unauthorized):
        moderator_from_claims({})
    with pytest.raises(Unauthorized):
        moderator_from_claims({"cognito:groups": "[moderators]"})
    with pytest.raises(Forbidden):
        moderator_from_claims({"username": "mallory", "cognito:groups": "[moderatorsx]"})


def test_a_comma_separated_group_list_grants_nothing() -> None:
    with pytest.raises(Forbidden):
        moderator_from_claims({"username": "mallory", "cognito:groups": "readers,moderators"})
