"""One module per family; importing this package registers every rule."""

from tradeoff.review.rules import (  # noqa: F401
    requirements, estimates, architecture, data, storage, partitioning, caching, async_, api, fault,
    consistency, scalability, security, observability, operations, decisions, wrap_up, changes, knowledge,
    availability,
)
