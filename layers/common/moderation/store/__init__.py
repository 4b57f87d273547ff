"""DynamoDB storage: the only package that knows the table's keys and indexes.

One table holds comments and the small records that protect them:

| item            | pk                                 | sk            | module      |
|-----------------|------------------------------------|---------------|-------------|
| comment         | COMMENT#<id>                       | COMMENT       | comments    |
| status counters | COUNTS#ALL / COUNTS#POST#<post_id> | SHARD#<n>     | counters    |
| duplicate guard | DEDUPE#<post_id>#<hash>            | DEDUPE        | guards      |
| idempotency key | IDEMPOTENCY#<post_id>#<key hash>   | IDEMPOTENCY   | guards      |
| rate log        | RATE#<client hash>                 | RATE          | guards      |
| used form token | FORM#<nonce>                       | FORM          | spam_marks  |
| text's band     | TEXTBAND#<band>:<digest>           | TEXTBAND      | spam_marks  |
| expiry marker   | EXPIRED#<comment id>               | EXPIRED       | decisions   |
| last alert      | ALERT#PENDING                      | ALERT         | alerts      |
| waiting replies | IMPORT#REPLIES#<parent id>         | REPLIES       | imports     |

Comments written with an e-mail carry `author_email_hash`, the key of the sparse index
`ByEmail` (sorted by `id`): one author's comments for privacy requests (module authors_data).
| reader's report | REPORT#<comment id>                | CLIENT#<hash> | reports     |
| author's record | AUTHOR#<author_key>                | AUTHOR        | authors     |
| address block   | ADDRESS#<client hash>              | BLOCK         | addresses   |
| post settings   | POST#<post_id>                     | SETTINGS      | posts       |
| spam filter     | SPAM#TOKEN#<t> / SPAM#TOTALS / SPAM#LESSON#<id> | SPAM | spam    |
| insights        | INSIGHTS#[SHADOW#]ALL / ...#POST#<id> | DAY#<date>#<n> | insights  |

Published comments also carry `thread` (`<post_id>#<parent_id or ->`), the key of the sparse
index `ByThread`; each comment keeps its `reply_count` and `first_replies` (module threads).

Comments carry `post_status` (`<post_id>#<status>`) and `status`, each the partition key of an
index sorted by `id`; ids sort by time, so both indexes list oldest first without a Scan.
Comments with an author key carry `author_key`, the key of the sparse index `ByAuthor` sorted
by id (an author's comments, oldest first), and `author_key_kind` (email, browser; older ones
without it were keyed by e-mail or by address). Comments with a client hash carry `client_hash`,
the key of the sparse index `ByClient` sorted by id (whom blocking an address reaches).
A new comment also lists in `guard_keys` the pks of its duplicate guard, idempotency record,
used form token and text's bands (each names it in `comment_id`), so erasing its author deletes
them by key (module guards), keeping any a later comment took over.

A moderator's claim on a pending comment is `claimed_by` and `claimed_until` (epoch seconds)
on the comment itself; a decision clears it.
"""

from __future__ import annotations

from moderation.store.addresses import Addresses
from moderation.store.alerts import AlertMarks
from moderation.store.authors import Authors
from moderation.store.authors_data import AuthorsData
from moderation.store.comments import Comments
from moderation.store.counters import STATUSES, Counters
from moderation.store.decisions import Decisions, StaleComment
from moderation.store.guards import CreateGuards, Guards, IdempotencyRace, IdempotencyRecord
from moderation.store.imports import Imports
from moderation.store.insights import DayTotals, Insights
from moderation.store.posts import Posts
from moderation.store.reports import DuplicateReport, Reports
from moderation.store.spam import SpamState
from moderation.store.spam_marks import FormReplayRace, SimilarText
from moderation.store.submissions import SubmissionKeys, SubmissionReads, Submissions
from moderation.store.table import TableAccess, connect
from moderation.store.threads import Threads

__all__ = [
    "STATUSES",
    "CreateGuards",
    "DayTotals",
    "DuplicateReport",
    "DynamoCommentStore",
    "FormReplayRace",
    "IdempotencyRace",
    "IdempotencyRecord",
    "SimilarText",
    "StaleComment",
    "SubmissionKeys",
    "SubmissionReads",
]


class DynamoCommentStore(
    Comments,
    Counters,
    Guards,
    Decisions,
    Threads,
    Reports,
    Authors,
    Posts,
    AuthorsData,
    AlertMarks,
    Insights,
    Imports,
    Submissions,
    SpamState,
    Addresses,
):
    """Every part of the store over one table."""

    def __init__(self, table_name: str):
        self._db = TableAccess(connect(table_name))
