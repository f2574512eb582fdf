"""A new user's first walk: sign in, create a project, form its temporary branch, add
members and dispatches, switch to Chinese, sign out."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def add_person(page, base, name, party_status="Full member"):
    page.goto(base + "/people/new")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Party status").select_option(label=party_status)
    page.get_by_label("Home organisation").fill("区审计局机关第一党支部")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def test_first_walk(page, live_server):
    base = live_server["url"]
    sign_in(page, base, "admin")
    for name in ("王磊", "林芳", "郑浩"):
        add_person(page, base, name)

    # Create a project, first with a mistake: the end date before the start date.
    page.get_by_role("link", name="Audit projects").click()
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Project name").fill("乡村振兴专项资金审计")
    page.get_by_label("Project code").fill("SJ-2026-01")
    page.get_by_label("Audited entity").fill("某县农业农村局")
    page.get_by_label("Project type").select_option(label="Field audit")
    page.get_by_label("Start date").fill("2026-03-01")
    page.get_by_label("End date").fill("2026-02-01")
    page.get_by_label("Team leader").select_option(label="王磊")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The end date cannot be before the start date.")).to_be_visible()
    expect(page.get_by_label("Project name")).to_have_value("乡村振兴专项资金审计")
    page.get_by_label("End date").fill("2026-05-31")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="SJ-2026-01 乡村振兴专项资金审计")).to_be_visible()

    # Dispatch the team from the project page.
    for name in ("王磊", "林芳", "郑浩"):
        page.get_by_role("link", name="New dispatch").click()
        page.get_by_label("Person").select_option(label=name)
        page.get_by_label("Departure date").fill("2026-03-01")
        page.get_by_label("Return date").fill("2026-05-31")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("link", name=name).first).to_be_visible()
    # Three full members for three months and no branch: the project is flagged.
    expect(page.get_by_text("This project needs a temporary branch")).to_be_visible()

    # Form its temporary branch.
    page.get_by_role("link", name="Form its temporary branch").first.click()
    page.get_by_label("Branch name").fill("乡村振兴审计临时党支部")
    page.get_by_label("Approved by").fill("区审计局机关党委")
    page.get_by_label("Approval date").fill("2026-02-28")
    page.get_by_label("Secretary").select_option(label="王磊")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=re.compile("乡村振兴审计临时党支部"))).to_be_visible()
    page.get_by_role("button", name="Approve branch").click()
    expect(page.get_by_text("The branch is approved and active.")).to_be_visible()

    for name in ("林芳", "郑浩"):
        page.get_by_role("link", name="Add member").click()
        page.get_by_label("Person").select_option(label=name)
        page.get_by_label("Joined on").fill("2026-03-01")
        page.get_by_role("button", name="Save").click()
    members = page.locator("table").first
    for name in ("王磊", "林芳", "郑浩"):
        expect(members.get_by_role("link", name=name)).to_be_visible()

    # Switch to Chinese and see Chinese.
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="审计项目")).to_be_visible()
    expect(page.get_by_role("heading", name="支部成员")).to_be_visible()
    expect(page.get_by_text("已成立", exact=True)).to_be_visible()

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()
