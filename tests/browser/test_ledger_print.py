"""The print view as Chromium prints it: at the width of an A4 page between its margins, with
print styles, no table is wider than the page and no cell's content runs past its border;
the photos load; the contents link to their sections."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, sign_in

pytestmark = pytest.mark.browser

#: A4 is 210 mm wide; ledger.css's @page leaves 18 mm left and 16 mm right: 176 mm at 96 dpi
A4_CONTENT_PX = round((210 - 18 - 16) / 25.4 * 96)

SEED = r"""
import datetime as dt, io, json
from PIL import Image
from tracker import clock, create_app
from tracker.branches.models import Branch, Membership
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import Project
from tracker.study.models import Attachment, Attendance, StudySession
from tracker.study.storage import get_store

app = create_app()
with app.app_context():
    today = clock.today()
    start = today.replace(month=1, day=5)
    # Long values without a place to break: the kind that pushed borders off the page.
    people = [Person(name=f"欧阳{n}号成员", party_status="full", source="borrowed", post="审计组副组长兼主审" * 2,
                     home_organisation="某某市审计局第三审计分局财政审计科" * 2 + "X" * 60) for n in range(12)]
    project = Project(code="SJ-A4-" + "9" * 24, name="很长的项目名称" * 6, audited_entity="某区财政局",
                      project_type="cross_audit", start_date=start, end_date=today + dt.timedelta(days=60),
                      status="in_progress", team_leader=people[0])
    branch = Branch(name="打印宽度测试临时党支部", approved_by="机关党委", approval_date=start,
                    status="active", projects=[project])
    db.session.add_all([project, branch])
    for n, person in enumerate(people):
        db.session.add(Membership(branch=branch, person=person, role="secretary" if n == 0 else "member",
                                  joined_on=start, left_on=None if n % 3 else today))
    db.session.flush()
    session = StudySession(branch_id=branch.id, session_type="theme_party_day", held_on=start + dt.timedelta(days=3),
                           start_time=dt.time(14, 30), end_time=dt.time(16, 0), place="项目驻地会议室" * 5,
                           topic="学习" + "Y" * 120, host="欧阳0号成员", recorder="欧阳1号成员", status="reviewed")
    session.attendance = [Attendance(person_id=p.id, status="present" if n % 4 else "leave",
                                     reason="" if n % 4 else "病假" + "Z" * 50) for n, p in enumerate(people)]
    db.session.add(session)
    db.session.flush()
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), (180, 40, 40)).save(out, "JPEG")
    key = get_store().save(out.getvalue(), ".jpg")
    db.session.add(Attachment(session_id=session.id, key=key, thumbnail_key=key, filename="会场.jpg",
                              content_type="image/jpeg", size=len(out.getvalue()), created_at=clock.now()))
    db.session.commit()
    print(json.dumps({"branch": branch.id, "year": today.year}))
"""

OVERFLOWS = """(limit) => {
  const found = [];
  const width = document.documentElement.clientWidth;
  document.querySelectorAll("table").forEach((table, n) => {
    const box = table.getBoundingClientRect();
    if (box.left < -0.5 || box.right > Math.min(width, limit) + 0.5 || table.scrollWidth > table.clientWidth + 1) {
      found.push(`table ${n} (${table.className}): ${box.left}–${box.right} of ${width}`);
    }
    table.querySelectorAll("th, td").forEach((cell) => {
      if (cell.scrollWidth > cell.clientWidth + 1) {
        found.push(`table ${n} (${table.className}) cell "${cell.textContent.slice(0, 30)}": ${cell.scrollWidth} > ${cell.clientWidth}`);
      }
    });
  });
  document.querySelectorAll("body *").forEach((element) => {
    const box = element.getBoundingClientRect();
    if (box.right > width + 0.5) { found.push(`${element.tagName}.${element.className}: right edge ${box.right}`); }
  });
  return found;
}"""


@pytest.fixture(scope="module")
def wide_branch(live_server):
    out = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=live_server["env"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_print_view_fits_an_a4_page(page, live_server, wide_branch):
    base = live_server["url"]
    sign_in(page, base, "secretary")
    page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1123})
    page.emulate_media(media="print")
    page.goto(f"{base}/ledger/print?branch_id={wide_branch['branch']}&period=year&year={wide_branch['year']}")
    tables = page.locator("table")
    expect(tables.first).to_be_visible()
    assert tables.count() >= 6  # cover facts, roster, meeting record, sign-in sheet, compliance tables
    assert page.evaluate(OVERFLOWS, A4_CONTENT_PX) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= A4_CONTENT_PX

    # The sign-in sheet lists the twelve members of that day, each with a row to sign.
    sheet = page.locator("section.sign-in table tbody tr")
    expect(sheet).to_have_count(12)
    # The photo is loaded (not a broken image) and captioned.
    photo = page.locator("section.photos img")
    expect(photo).to_have_count(1)
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 1600
    expect(page.locator("section.photos figcaption")).to_have_text("Photo 1: 会场")


def test_contents_link_to_their_sections(page, live_server, wide_branch):
    base = live_server["url"]
    sign_in(page, base, "secretary")
    page.goto(f"{base}/ledger/print?branch_id={wide_branch['branch']}&period=year&year={wide_branch['year']}")
    toc = page.locator("nav.toc")
    expect(toc.get_by_role("heading", name="Table of contents")).to_be_visible()
    toc.get_by_role("link", name="Roster").click()
    assert page.evaluate("() => location.hash") == f"#b{wide_branch['branch']}_roster"
    expect(page.locator(f"#b{wide_branch['branch']}_roster")).to_be_in_viewport()
