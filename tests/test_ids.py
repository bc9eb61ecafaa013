"""Prefixed ULIDs sort in creation order, even many within one millisecond."""

from __future__ import annotations

import re

from app.ids import new_id, new_ids

ULID = re.compile(r"^du_[0-9A-HJKMNP-TV-Z]{26}$")


def test_ids_increase_within_a_millisecond_and_across_batches() -> None:
    made: list[str] = []
    for _ in range(2000):  # far more than one per millisecond
        made.append(new_id("du"))
        made.extend(new_ids("du", 3))
    assert all(ULID.match(i) for i in made)
    assert made == sorted(made)
    assert len(set(made)) == len(made)
