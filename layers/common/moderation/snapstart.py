"""Lambda SnapStart: what must differ between execution environments restored from one snapshot.

Every environment restored from a snapshot starts with the snapshot's memory: its random state,
its last ULID, its AWS clients and their connections. Hooks registered with `after_restore` run
in each environment after its restore, before it takes a request. Lambda's Python runtime calls
them through `snapshot_restore_py`, which only it provides (and the tests, which run the hooks as
it does); elsewhere nothing is ever restored and registering does nothing.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable

Hook = Callable[[], None]


def after_restore(hook: Hook) -> Hook:
    """Run `hook` after every SnapStart restore (usable as a decorator)."""
    try:
        from snapshot_restore_py import register_after_restore
    except ImportError:
        return hook
    register_after_restore(hook)
    return hook


@after_restore
def reseed_random() -> None:
    """Python's `random` (and numpy's legacy global generator, once numpy is loaded) from fresh
    OS entropy; `secrets` and os.urandom keep no state to copy."""
    random.seed()
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
