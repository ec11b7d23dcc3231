"""The operator page shows counts, marks what needs a look and escapes what it shows."""

from __future__ import annotations

from traintrack.operations.entrypoints.api.page import render_page


def state(lag: int, reason: str | None) -> dict:
    return {
        "consumers": {
            "enrollment": {
                "group": "enrollment",
                "lag": lag,
                "events_per_second": 2.5,
                "last_error": {"reason": reason} if reason else None,
            }
        },
        "dead_letters": {"institute.submissions.v1.dlq": 0},
        "outbox": {"matching": {"unsent": 101, "oldest_age_seconds": None}},
    }


def test_a_lag_above_a_thousand_and_a_last_dead_letter_are_marked_bad():
    page = render_page(state(1001, "<b>bad key</b>"))
    assert '<td class="bad">1001</td>' in page
    assert '<td class="bad">&lt;b&gt;bad key&lt;/b&gt;</td>' in page
    assert '<td class="ok">2.5</td>' in page


def test_a_caught_up_consumer_empty_dlq_and_missing_figures_read_ok():
    page = render_page(state(1000, None))
    assert '<td class="ok">1000</td><td class="ok">2.5</td><td class="ok">—</td>' in page
    assert '<td class="ok">0</td>' in page
    assert '<td class="bad">101</td><td class="ok">—</td>' in page
