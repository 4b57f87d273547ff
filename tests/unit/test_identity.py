"""Author keys and reader keys: standing belongs to what a person holds (an e-mail, a browser's
signed key), never to the address a crowd behind one NAT shares."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from moderation.identity import author_identity, client_hash, new_reader_key, reader_id

SECRET = b"the app secret"


def test_a_reader_key_names_its_reader_and_each_new_one_another_reader() -> None:
    first, second = new_reader_key(SECRET), new_reader_key(SECRET)
    assert reader_id(SECRET, first)
    assert reader_id(SECRET, second)
    assert reader_id(SECRET, first) == reader_id(SECRET, first)
    assert reader_id(SECRET, first) != reader_id(SECRET, second)


def test_a_key_we_did_not_sign_names_no_one() -> None:
    key = new_reader_key(SECRET)
    reader, signature = key.split(".")
    other = new_reader_key(SECRET)
    forged = [
        f"{reader}.{other.split('.')[1]}",  # another reader's signature
        f"{other.split('.')[0]}.{signature}",  # this signature on another reader
        new_reader_key(b"another secret"),
        f"{reader}.{signature[:-1]}{'A' if signature[-1] != 'A' else 'B'}",
        key + ".",
        key + "\n",
        f"{reader}.{signature}x",
        "",
        "not a key",
        "é" * 22 + "." + signature,
        "." * 45,
        None,
    ]
    assert [reader_id(SECRET, candidate) for candidate in forged] == [None] * len(forged)


def test_the_email_makes_the_key_before_the_browser_and_nothing_makes_none() -> None:
    reader = reader_id(SECRET, new_reader_key(SECRET))
    by_email = author_identity(SECRET, "e" * 64, reader)
    by_browser = author_identity(SECRET, None, reader)
    assert by_email is not None
    assert by_email.kind == "email"
    assert by_email == author_identity(SECRET, "e" * 64, None)
    assert by_browser is not None
    assert by_browser.kind == "browser"
    assert by_browser.key != by_email.key
    assert author_identity(SECRET, None, None) is None


@pytest.mark.parametrize("secret", [SECRET, b"another secret"])
def test_keys_are_opaque_and_keyed_with_the_secret(secret: bytes) -> None:
    key = author_identity(secret, "e" * 64, None)
    assert key is not None
    assert len(key.key) == 24
    assert int(key.key, 16) >= 0
    assert key != author_identity(b"a third secret", "e" * 64, None)
    assert "203.0.113.9" not in client_hash(secret, "203.0.113.9")


def test_the_email_key_is_the_one_authors_had_before_reader_keys() -> None:
    # Records of authors who gave an e-mail carry on: the key is made exactly as it was.
    before = hmac.new(SECRET, f"author:email:{'e' * 64}".encode(), hashlib.sha256).hexdigest()[:24]
    identity = author_identity(SECRET, "e" * 64, None)
    assert identity is not None
    assert identity.key == before
