"""Months, quarters and label colons as each language writes them."""
from __future__ import annotations

import datetime as dt

import pytest

from tracker.i18n import colon
from tracker.months import month_label, period_label, quarter_label


@pytest.mark.parametrize("lang, month, quarter, sep", [
    ("zh", "2026年11月", "2026年第四季度", "："),
    ("en", "2026-11", "2026 Q4", ": "),
])
def test_one_helper_for_months_and_quarters(app, lang, month, quarter, sep):
    with app.test_request_context(headers={"Accept-Language": lang}):
        assert month_label(dt.date(2026, 11, 1)) == month
        assert quarter_label(dt.date(2026, 11, 1)) == quarter
        assert period_label(dt.date(2026, 10, 1), 3) == quarter
        assert period_label(dt.date(2026, 11, 1), 1) == month
        assert colon() == sep


def test_dashboard_captions_in_chinese(client, signed_in):
    signed_in("secretary")  # the suite's clock is 2026-06-15
    zh = {"Accept-Language": "zh-CN"}
    assert '<p class="text-muted mb-0">2026年第二季度' in client.get("/?period=quarter", headers=zh).get_data(as_text=True)
    assert '<p class="text-muted mb-0">2026年6月' in client.get("/?period=month", headers=zh).get_data(as_text=True)
    assert '<p class="text-muted mb-0">2026 Q2' in client.get("/?period=quarter").get_data(as_text=True)


def test_ledger_quarters_are_named_in_chinese(client, signed_in):
    signed_in("secretary")
    page = client.get("/ledger/?period=quarter&quarter=2", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<option selected value="2">第二季度</option>' in page or '<option value="2" selected>第二季度</option>' in page
