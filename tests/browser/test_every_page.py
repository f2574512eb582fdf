"""Every page reachable from the navigation, with the demo data, as each demo role, in
English and Chinese: axe-core finds no serious or critical violation, the Nu HTML checker
no error, and at 390 px the page does not scroll sideways and no name breaks one character
per line.

The tools are test tools, installed by .ci/run into .tools/ (npm axe-core, vnu-jar) and
never served by the app: axe is injected by Playwright (the context bypasses the CSP for
that script only), vnu runs once over the saved pages.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.conftest import ROOT, _free_port

TOOLS = Path(os.environ.get("TRACKER_TEST_TOOLS", ROOT / ".tools" / "node_modules"))
AXE = TOOLS / "axe-core" / "axe.min.js"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
LANGUAGES = {"en": "en-US", "zh": "zh-CN"}
#: links that are not pages to check: files, the feed, signing out, raw attachments
SKIP = re.compile(r"/(static|calendar)/|\.(ics|xlsx|docx|pdf|csv|png|jpe?g)$|/(export|download|file|thumb|print)\b")
PAGES_PER_ROLE = 45


def _database(tmp: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp / 'pages.sqlite3'}"
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = f"{parsed.database}_pages"
    with psycopg.connect(parsed.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, browser):
    for tool in (AXE, VNU):
        if not tool.exists():
            if os.environ.get("REQUIRE_BROWSER") == "1":
                pytest.fail(f"{tool} missing: .ci/run installs it with npm")
            pytest.skip(f"{tool} missing")
    tmp = tmp_path_factory.mktemp("pages")
    env = {**os.environ, "DATABASE_URL": _database(tmp), "SECRET_KEY": "pages-test-secret", "FLASK_APP": "wsgi"}
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "upgrade", "heads"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo", "load"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/sign-in", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    server.terminate()
    server.wait(10)


def _pattern(url: str) -> str:
    """One page per kind: /branches/3 and /branches/4 are the same template."""
    return re.sub(r"/\d+", "/N", urlsplit(url).path)


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    out = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        if url.startswith(base) and not SKIP.search(urlsplit(url).path):
            out.append(url)
    return out


PHONE_CHECK = """() => {
  const root = document.documentElement;
  const wide = root.scrollWidth > root.clientWidth + 1;
  const broken = [];
  for (const el of document.querySelectorAll('main a, main td, main th, main dd, main li')) {
    const text = el.textContent.trim();
    if (!/^[\\u4e00-\\u9fff]{2,4}$/.test(text)) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > size * 2.2 && box.width < size * 1.6) broken.push(text);
  }
  return {wide: wide ? root.scrollWidth : 0, broken};
}"""


def _walk(browser, base: str, username: str, password: str, lang: str, saved: Path) -> list[str]:
    problems = []
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale=LANGUAGES[lang],
                                  bypass_csp=True)  # only so axe can be injected; the app's CSP is tested elsewhere
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/sign-in")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url(base + "/")
    queue, seen = [base + "/"], set()
    while queue and len(seen) < PAGES_PER_ROLE:
        url = queue.pop(0)
        key = _pattern(url)
        if key in seen:
            continue
        seen.add(key)
        response = context.request.get(url)
        if response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        name = f"{username}-{lang}-{len(seen):02d}"
        (saved / f"{name}.html").write_bytes(response.body())
        (saved / f"{name}.url").write_text(url)
        page.goto(url)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        for v in result["violations"]:
            if v["impact"] in ("serious", "critical"):
                targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
                problems.append(f"axe {v['id']} ({v['impact']}) on {url} [{username}, {lang}]: {targets}")
        if lang == "zh":  # the phone check once per role: the layout is the same in both languages
            page.set_viewport_size({"width": 390, "height": 844})
            found = page.evaluate(PHONE_CHECK)
            if found["wide"]:
                problems.append(f"sideways scrolling at 390 px ({found['wide']} px) on {url} [{username}]")
            if found["broken"]:
                problems.append(f"names broken one character per line on {url} [{username}]: {found['broken'][:3]}")
            page.set_viewport_size({"width": 1366, "height": 768})
        queue.extend(u for u in _links(page, base) if _pattern(u) not in seen)
    context.close()
    return problems


def _validate(saved: Path) -> list[str]:
    files = sorted(saved.glob("*.html"))
    done = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    out = set()
    for m in messages:
        source = Path(urlsplit(m.get("url", "")).path)
        url = source.with_suffix(".url").read_text() if source.with_suffix(".url").exists() else source.name
        out.add(f"html {url}: line {m.get('lastLine')}: {m.get('message')}")
    return sorted(out)


def test_every_page_is_accessible_and_valid(browser, demo_server, tmp_path):
    from tracker.demo import SIGN_INS

    problems = []
    for username, password, *_ in SIGN_INS:
        for lang in LANGUAGES:
            problems += _walk(browser, demo_server, username, password, lang, tmp_path)
    problems += _validate(tmp_path)
    assert len(list(tmp_path.glob("*.html"))) > 40  # the walk reached the pages, not just the home page
    assert not problems, "\n".join(problems)


def _signed_in(browser, base: str, lang: str, width: int = 1366, height: int = 768, user: str = "admin"):
    from tracker.demo import SIGN_INS

    password = next(p for u, p, *_ in SIGN_INS if u == user)
    context = browser.new_context(viewport={"width": width, "height": height}, locale=LANGUAGES[lang])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/sign-in")
    page.locator("#username").fill(user)
    page.locator("#password").fill(password)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.wait_for_url(base + "/")
    return context, page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_person_picker_finds_pinyin_initials(browser, demo_server, lang):
    context, page = _signed_in(browser, demo_server, lang)
    page.goto(demo_server + "/dispatches/new")
    names = page.locator("#person_id option:not([value=''])").all_text_contents()
    from tracker.people.pinyin import sort_key

    assert names == sorted(names, key=sort_key) and len(names) > 5  # pinyin order, not code points
    hint = "输入姓名或拼音首字母筛选" if lang == "zh" else "Type a name or pinyin initials"
    box = page.get_by_label(hint)
    box.fill("lf")
    assert page.locator("#person_id option:checked").text_content() == "林芳"
    shown = page.locator("#person_id option:not([hidden]):not([value=''])").all_text_contents()
    assert "林芳" in shown and "王磊" not in shown
    box.fill("wangl")
    assert page.locator("#person_id option:checked").text_content() == "王磊"
    context.close()


def test_without_javascript_the_picker_is_a_plain_select(browser, demo_server):
    from tracker.demo import SIGN_INS

    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(demo_server + "/sign-in")
    page.locator("#username").fill("admin")
    page.locator("#password").fill(next(p for u, p, *_ in SIGN_INS if u == "admin"))
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.goto(demo_server + "/dispatches/new")
    assert page.locator("#person_id-filter").count() == 0
    assert page.locator("#person_id option", has_text="林芳").count() == 1
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_on_a_phone_the_menu_collapses_and_tables_stack(browser, demo_server, lang):
    context, page = _signed_in(browser, demo_server, lang, width=390, height=844)
    people = "人员" if lang == "zh" else "People"
    link = page.locator("#main-nav").get_by_role("link", name=people, exact=True)
    assert not link.is_visible()
    page.locator(".navbar-toggler").click()
    link.wait_for(state="visible")
    link.click()
    page.wait_for_url("**/people/")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    cell = page.locator("main table.table-stack tbody tr").first.locator("td").first
    label = page.evaluate("el => getComputedStyle(el, '::before').content", cell.element_handle())
    assert label.strip('"') == page.locator("main table.table-stack thead th").first.text_content().strip()
    assert page.locator("main table.table-stack tbody tr").first.evaluate("el => getComputedStyle(el).display") == "block"
    ARTIFACTS = ROOT / "test-artifacts"
    ARTIFACTS.mkdir(exist_ok=True)
    if lang == "zh" and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        page.screenshot(path=str(ROOT / "docs" / "screenshot-phone.png"))
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_quarters_and_months_read_in_the_language(browser, demo_server, lang):
    import datetime as dt

    context, page = _signed_in(browser, demo_server, lang)
    today = dt.date.today()
    quarter = (today.month - 1) // 3
    page.goto(demo_server + "/?period=quarter")
    caption = page.locator("main").inner_text()
    if lang == "zh":
        assert f"{today.year}年第{'一二三四'[quarter]}季度" in caption
        page.goto(demo_server + "/?period=month")
        assert f"{today.year}年{today.month}月" in page.locator("main").inner_text()
    else:
        assert f"{today.year} Q{quarter + 1}" in caption
    if lang == "zh" and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        page.goto(demo_server + "/")
        page.screenshot(path=str(ROOT / "docs" / "screenshot-dashboard.png"))
        page.goto(demo_server + "/projects/1")
        page.screenshot(path=str(ROOT / "docs" / "screenshot-project.png"))
    context.close()
