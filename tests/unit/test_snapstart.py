"""SnapStart: environments restored from one snapshot must not share ids, random state or AWS
connections. A snapshot is simulated with os.fork(): each child starts from a copy of this
initialised process, as each restored environment starts from a copy of the snapshot, and runs
the registered after-restore hooks the way Lambda's Python runtime does."""

from __future__ import annotations

import os
import random
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import snapshot_restore_py
from moderation import runtime, snapstart
from moderation.ids import MonotonicIds

# The millisecond of the snapshot's last id; the restored environments mint in that same one.
SNAPSHOT_MS = datetime(2026, 11, 27, 12, 0, 0, 123000, tzinfo=UTC)


def run_after_restore_hooks() -> None:
    for hook, args, kwargs in snapshot_restore_py.get_after_restore():
        hook(*args, **kwargs)


def in_restored_environment(action: Callable[[], str], *, hooks: bool) -> str:
    """Run `action` in a fresh copy of this process, after the restore hooks if `hooks`."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the restored environment
        os.close(read)
        status = 1
        try:
            if hooks:
                run_after_restore_hooks()
            os.write(write, action().encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write)
    with os.fdopen(read) as answer:
        result = answer.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return result


def two_restored_ids(*, hooks: bool) -> tuple[str, str]:
    # GIVEN an initialised environment whose last id was minted in one millisecond (the snapshot)
    MonotonicIds().new(SNAPSHOT_MS)

    def mint() -> str:
        return MonotonicIds().new(SNAPSHOT_MS)

    # WHEN two environments restored from it each mint an id in that millisecond
    return in_restored_environment(mint, hooks=hooks), in_restored_environment(mint, hooks=hooks)


def test_restored_environments_mint_different_ids() -> None:
    first, second = two_restored_ids(hooks=True)
    # THEN the ids differ: each environment dropped the snapshot's last id
    assert first != second


def test_without_the_hooks_restored_environments_would_mint_the_same_id() -> None:
    # Both would increment the snapshot's last id: this is what the hooks prevent.
    first, second = two_restored_ids(hooks=False)
    assert first == second


def test_ids_keep_increasing_within_one_millisecond() -> None:
    ids = MonotonicIds()
    minted = [ids.new(SNAPSHOT_MS) for _ in range(50)]
    assert minted == sorted(minted)
    assert len(set(minted)) == 50


def test_random_state_is_reseeded_after_a_restore() -> None:
    # fork() reseeds `random` by itself, a restore does not: compare with the snapshot's state.
    snapshot_state = random.getstate()
    run_after_restore_hooks()
    assert random.getstate() != snapshot_state


@pytest.fixture
def initialised_runtime(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("MODERATION_SCORER", "tests.support.scorers:make")
    monkeypatch.setenv("APP_SECRET", "snapshot-secret")
    runtime.reset()
    runtime.comment_service()
    runtime.review_service()
    yield
    runtime.reset()


def test_a_restore_rebuilds_the_aws_clients_and_keeps_the_model(initialised_runtime: Any) -> None:
    # GIVEN the runtime as the snapshot holds it: settings, secret, scorer, store, services
    before = (runtime.settings(), runtime.secret(), runtime.scorer())
    snapshot_store, snapshot_service = runtime.store(), runtime.comment_service()
    snapshot_review = runtime.review_service()
    # WHEN the after-restore hooks run
    run_after_restore_hooks()
    # THEN the store (its DynamoDB client and connections) and the services around it are new
    assert runtime.store() is not snapshot_store
    assert runtime.comment_service() is not snapshot_service
    assert runtime.review_service() is not snapshot_review
    # AND the settings, the secret and the loaded model are the snapshot's: nothing reloads
    assert (runtime.settings(), runtime.secret(), runtime.scorer()) == before
    assert runtime.scorer() is before[2]


def test_the_hooks_are_registered_only_where_the_runtime_provides_the_module(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def hook() -> None: ...

    registered = len(snapshot_restore_py.get_after_restore())
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # as outside Lambda: ImportError
    assert snapstart.after_restore(hook) is hook
    assert len(snapshot_restore_py.get_after_restore()) == registered
