"""Prefixed ULIDs sort in creation order, even many within one millisecond."""

from __future__ import annotations

import base64
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


def test_the_random_part_is_crockford_base32_of_80_bits_across_a_carry(monkeypatch) -> None:
    from app import ids

    start = (0x3FF << 60) + (1 << 20) - 2  # the next ids carry into the shared top 60 bits
    monkeypatch.setattr(ids, "_next_block", lambda count: (1_700_000_000_000, start))

    made = ids.new_ids("att", 4)

    rfc4648 = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ")
    expected = [base64.b32encode((start + i).to_bytes(10)).decode().translate(rfc4648) for i in range(4)]
    assert [i.removeprefix("att_")[10:] for i in made] == expected
    assert made == sorted(made)
