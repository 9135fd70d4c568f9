"""When a batch that is not full closes: at its window, or later while credentials keep arriving."""

from __future__ import annotations

from issuer.pipeline import LINGER_QUIET_SECONDS, window_closed

WINDOW = 0.5


def test_a_batch_waits_out_its_window() -> None:
    assert not window_closed(now=10.49, oldest=10.0, newest=10.0, window=WINDOW)


def test_a_quiet_batch_closes_at_its_window() -> None:
    assert window_closed(now=10.5, oldest=10.0, newest=10.3, window=WINDOW)


def test_a_batch_lingers_while_credentials_still_arrive() -> None:
    newest = 10.5 - LINGER_QUIET_SECONDS / 2
    assert not window_closed(now=10.5, oldest=10.0, newest=newest, window=WINDOW)
    # ...and closes once they pause
    assert window_closed(now=newest + LINGER_QUIET_SECONDS, oldest=10.0, newest=newest, window=WINDOW)


def test_lingering_lasts_at_most_one_more_window() -> None:
    assert not window_closed(now=10.99, oldest=10.0, newest=10.98, window=WINDOW)
    assert window_closed(now=11.0, oldest=10.0, newest=10.999, window=WINDOW)
