"""lpctl.admin.guard.follow_pages: a listing is read to its end, or stopped (exit 2) when the server repeats a
token, answers more pages than the bound, or takes longer than --list-timeout for its pages; measured with a
clock the test moves, so the bounds are exact."""

from __future__ import annotations

import pytest

from lpctl.admin.guard import PagingError, follow_pages


class Server:
    """Pages of one entry each, ``seconds`` apiece on the test's clock; ``last``: the page that ends it."""

    def __init__(self, seconds: float, last: int | None = None) -> None:
        self.now, self.seconds, self.last, self.pages = 0.0, seconds, last, 0

    def clock(self) -> float:
        return self.now

    def page(self, token: str) -> tuple[list[int], str]:
        self.now += self.seconds
        self.pages += 1
        return [self.pages], "" if self.pages == self.last else f"t{self.pages}"


def read(server: Server, max_seconds: float | None = None) -> list[int]:
    return list(follow_pages(server.page, "ListTriggers for p/d", max_seconds=max_seconds, clock=server.clock))


def test_the_pages_time_is_bounded() -> None:
    server = Server(10.0)
    with pytest.raises(PagingError) as raised:
        read(server, max_seconds=25)
    assert str(raised.value) == (
        "the server took 30.0s to answer ListTriggers for p/d with 3 pages and more to come, past lpctl's bound "
        "of 25s for one listing (--list-timeout); it stopped there (nothing was changed by this read)")
    assert server.pages == 3


@pytest.mark.parametrize(("last", "expected"), [(3, [1, 2, 3]), (1, [1])])
def test_a_listing_that_ends_is_read_whole_even_past_the_bound(last: int, expected: list[int]) -> None:
    """The bound is checked before a next page is asked for: the last page is never refused."""
    assert read(Server(10.0, last), max_seconds=25) == expected


def test_only_the_servers_time_counts() -> None:
    """Time the caller spends between pages (GetTriggerDetails, its own work) is not the listing's."""
    server = Server(1.0, last=5)
    found = []
    for entry in follow_pages(server.page, "ListTriggers for p/d", max_seconds=4.5, clock=server.clock):
        found.append(entry)
        server.now += 100.0
    assert found == [1, 2, 3, 4, 5]


def test_the_default_bounds() -> None:
    from lpctl.admin import guard

    assert (guard.MAX_PAGES, guard.LIST_TIMEOUT) == (10_000, 600.0)
    server = Server(0.06)  # 10,000 pages of 60 ms: the page bound first
    with pytest.raises(PagingError, match="with more than 10,000 pages"):
        read(server)
    assert server.pages == 10_000
    with pytest.raises(PagingError, match=r"took 630\.0s .* with 21 pages .* bound of 600s"):
        read(Server(30.0))  # 30 s a page, each within the call timeout: stopped after 21 pages, not 10,000
