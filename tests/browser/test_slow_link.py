"""At the audit site over a slow or broken link, in Chromium's network emulation (400 ms
latency, 500 kbit/s down, 250 kbit/s up), with the app under gunicorn: how long pages take,
that unchanged stylesheets and scripts are never asked for again, a theme party day with two
4 MB phone photos, a save made while the link is cut, and the text kept in the browser.

The measured figures are written to test-artifacts/slow-link.json (README, "Benchmark")."""
from __future__ import annotations

import io
import json
import random
import re
import time

import pytest
from PIL import Image, ImageDraw, ImageFilter
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, sign_in
from tests.browser.test_study_journey import fill_session, study_site  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

SLOW = {"offline": False, "latency": 400, "downloadThroughput": 500_000 / 8,
        "uploadThroughput": 250_000 / 8}
#: The slow-link targets are held with this margin: the machine running the tests is shared
#: and busy, and the figures drift by a fifth between runs (measured ones are in the README).
MARGIN = 1.3
STATIC = re.compile(r"/static/.+\.(css|js|woff2?|ttf|otf)(\?|$)")
FIGURES: dict = {}


@pytest.fixture(scope="module", autouse=True)
def write_figures():
    yield
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "slow-link.json").write_text(json.dumps(FIGURES, indent=2, ensure_ascii=False))


def emulate(page, **conditions):
    """Chromium's own throttling for this page, and a list of what reached the network."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {**SLOW, **conditions})
    fetched: list[dict] = []
    from_cache: set[str] = set()
    # Every response is reported; one served from the memory cache is announced first by
    # requestServedFromCache, one from the disk cache says so itself.
    cdp.on("Network.requestServedFromCache", lambda e: from_cache.add(e["requestId"]))
    cdp.on("Network.responseReceived", lambda e: fetched.append(
        {"url": e["response"]["url"], "status": e["response"]["status"],
         "cached": e["requestId"] in from_cache or e["response"].get("fromDiskCache", False)}))
    return cdp, fetched


def navigation_ms(page) -> float:
    """From the start of the navigation (the click, or the POST before a redirect) to load."""
    page.wait_for_load_state("load")
    return page.evaluate("performance.getEntriesByType('navigation')[0].duration")


def static_fetches(fetched: list[dict]) -> list[str]:
    return [f["url"] for f in fetched if STATIC.search(f["url"]) and not f["cached"]]


def test_pages_over_a_slow_link(page, live_server, study_site):  # noqa: F811
    base = live_server["url"]
    _, fetched = emulate(page)
    page.goto(base + "/sign-in")
    first = navigation_ms(page)
    sent = page.evaluate("""[performance.getEntriesByType('navigation')[0],
        ...performance.getEntriesByType('resource')].reduce((n, e) => n + e.transferSize, 0)""")
    assert len(static_fetches(fetched)) >= 3, "the first visit fetches the stylesheets and scripts"
    FIGURES["sign-in page, first visit (ms)"] = round(first)
    FIGURES["sign-in page, first visit (bytes over the wire)"] = sent
    assert first < 2000 * MARGIN

    page.get_by_label("Username").fill("leader")
    page.get_by_label("Password").fill("browser-pass-123")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    # Two requests (the POST, then the dashboard it redirects to), each with its 400 ms,
    # and the password check: recorded, not held to the one-request target.
    FIGURES["sign in → dashboard, POST and redirect (ms)"] = round(navigation_ms(page))
    later = {"dashboard": 0.0}
    branch = study_site["branch"]
    for name, path in (("dashboard", "/"), ("branches list", "/branches/"), ("branch page", f"/branches/{branch}"),
                       ("study sessions list", "/study/"), ("talks list", "/talks/"),
                       ("session form", f"/study/new?branch_id={branch}"), ("talk form", "/talks/new"),
                       ("people list", "/people/"), ("branch page again", f"/branches/{branch}")):
        page.goto(base + path)
        later[name] = navigation_ms(page)
    FIGURES["later pages (ms)"] = {k: round(v) for k, v in later.items()}
    static = [f for f in fetched if STATIC.search(f["url"])]
    FIGURES["static files: fetched / served from the cache"] = [
        sum(not f["cached"] for f in static), sum(f["cached"] for f in static)]
    fetched_urls = static_fetches(fetched)
    assert len(fetched_urls) == len(set(fetched_urls)), "an unchanged stylesheet or script was asked for again"
    assert max(later.values()) < 1000 * MARGIN, later


def phone_photo(seed: int) -> bytes:
    """A 12-megapixel JPEG of about 4 MB that compresses like a photo: a scene (sky, shapes),
    texture at middle frequencies, and sensor noise."""
    rnd = random.Random(seed)  # noqa: S311 - a test picture, not a secret
    w, h = 4032, 3024
    grad = Image.linear_gradient("L").resize((w, h))
    img = Image.merge("RGB", [grad.point(lambda v: 90 + v // 3), grad.point(lambda v: 120 + v // 4),
                              grad.point(lambda v: 210 - v // 2)])
    draw = ImageDraw.Draw(img)
    for _ in range(80):
        x, y = rnd.randrange(w), rnd.randrange(h // 3, h)
        box = (x, y, x + rnd.randrange(100, 900), y + rnd.randrange(100, 700))
        colour = tuple(rnd.randrange(256) for _ in range(3))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)(box, fill=colour)
    img = img.filter(ImageFilter.GaussianBlur(2))
    texture = Image.effect_noise((w // 6, h // 6), 70).resize((w, h), Image.BICUBIC).convert("RGB")
    img = Image.blend(img, texture, 0.3)
    img = Image.blend(img, Image.effect_noise((w, h), 40).convert("RGB"), 0.15)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=92)
    return out.getvalue()


def test_theme_party_day_with_two_phone_photos(page, live_server, study_site):  # noqa: F811
    base, today = live_server["url"], study_site["today"]
    photos = [phone_photo(seed) for seed in (1, 2)]
    assert all(len(p) >= 4_000_000 for p in photos)
    sign_in(page, base, "leader")
    emulate(page)
    page.goto(f"{base}/study/new?branch_id={study_site['branch']}")
    fill_session(page, today, "慢速网络下的主题党日")
    page.get_by_label("Photos and documents").set_input_files(
        [{"name": f"IMG_{n}.jpg", "mimeType": "image/jpeg", "buffer": p} for n, p in enumerate(photos)])
    started = time.monotonic()
    page.get_by_role("button", name="Save", exact=True).click()
    # visible progress: the bar moves while the photos go up, with a way to cancel
    expect(page.locator("#send-bar")).to_be_visible()
    page.wait_for_function("() => document.getElementById('send-bar').value > 0")
    FIGURES["progress shown after (s)"] = round(time.monotonic() - started, 1)
    expect(page.get_by_role("button", name="Cancel sending")).to_be_visible()
    expect(page.locator("#send-amount")).to_contain_text("MB sent")
    expect(page.get_by_text("Saved.")).to_be_visible(timeout=30_000)
    took = time.monotonic() - started
    expect(page.get_by_role("heading", name="慢速网络下的主题党日")).to_be_visible()

    sizes = []
    for link in page.locator("a[href*='/attachments/']").all():
        href = link.get_attribute("href")
        if "thumb" in href:
            continue
        body = page.request.get(base + href if href.startswith("/") else href).body()
        image = Image.open(io.BytesIO(body))
        assert image.format == "JPEG" and 1280 <= max(image.size) <= 2000
        sizes.append((len(body), image.size))
    FIGURES["theme party day with two 4 MB photos: Save to saved page (s)"] = round(took, 1)
    FIGURES["photos as sent (bytes, pixels)"] = sizes
    assert len(sizes) == 2
    assert took < 15 * MARGIN


def test_link_cut_at_the_moment_of_saving(page, live_server, study_site):  # noqa: F811
    base, today = live_server["url"], study_site["today"]
    sign_in(page, base, "leader")
    cdp, _ = emulate(page)
    page.goto(f"{base}/study/new?branch_id={study_site['branch']}")
    fill_session(page, today, "断网时保存的组织生活")
    page.get_by_role("row", name=re.compile("郑浩")).get_by_label("Absent").check()
    page.get_by_label("Reason (郑浩)").fill("外出取证")
    page.get_by_label("Resolutions and follow-ups").fill("下周交流心得")

    # First a save the server refuses (no topic): the form comes back with the message, and
    # the page it came back as still keeps the text and sends in the background.
    page.get_by_label("Topic").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#topic-errors")).to_be_visible()
    expect(page.get_by_label("Topic")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Reason (郑浩)")).to_have_value("外出取证")
    page.get_by_label("Topic").fill("断网时保存的组织生活")

    cdp.send("Network.emulateNetworkConditions", {**SLOW, "offline": True})
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("The save did not reach the server")).to_be_visible()
    # still the form, as filled: nothing typed is lost
    expect(page.get_by_label("Topic")).to_have_value("断网时保存的组织生活")
    expect(page.get_by_label("Reason (郑浩)")).to_have_value("外出取证")

    cdp.send("Network.emulateNetworkConditions", SLOW)
    page.get_by_role("button", name="Send again").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="断网时保存的组织生活")).to_be_visible()
    for text in ("项目驻地会议室", "一、学习《中国共产党纪律处分条例》", "下周交流心得", "外出取证", "郑浩"):
        expect(page.locator("main")).to_contain_text(text)
    assert re.search(r"/study/\d+$", page.url)
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tbt-draft:'))") == []
    page.reload()  # the address is the saved record's, not the form's
    expect(page.get_by_role("heading", name="断网时保存的组织生活")).to_be_visible()


def test_typed_text_is_offered_back_and_gone_at_sign_out(page, live_server, study_site):  # noqa: F811
    base, today = live_server["url"], study_site["today"]
    form_url = f"{base}/study/new?branch_id={study_site['branch']}"
    sign_in(page, base, "leader")
    page.evaluate("localStorage.setItem('tbt-draft:999:study:new', '{}')")  # someone else's
    page.goto(form_url)
    assert page.evaluate("localStorage.getItem('tbt-draft:999:study:new')") is None
    fill_session(page, today, "未保存就离开的主题")
    page.get_by_label("Photos and documents").set_input_files(
        [{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": phone_photo(3)[:200_000]}])
    page.wait_for_timeout(500)  # kept a moment after typing
    page.goto(base + "/study/")  # the tab closed, the laptop went to sleep…

    page.goto(form_url)
    expect(page.get_by_text("This browser kept what you typed in this form")).to_be_visible()
    expect(page.get_by_text("attach these again: 现场.jpg")).to_be_visible()
    expect(page.get_by_label("Topic")).to_have_value("")
    page.get_by_role("button", name="Fill it in").click()
    expect(page.get_by_label("Topic")).to_have_value("未保存就离开的主题")
    expect(page.get_by_label("Content", exact=True)).to_have_value("一、学习《中国共产党纪律处分条例》\n二、交流发言")
    expect(page.get_by_label("Place")).to_have_value("项目驻地会议室")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('tbt-draft:'))") == []


def test_talk_form_keeps_typed_text(page, live_server):
    base = live_server["url"]
    sign_in(page, base, "secretary")
    page.goto(base + "/talks/new")
    page.get_by_label("Key points").fill("讲清八不准的要求，逐条说明")
    page.wait_for_timeout(500)
    page.goto(base + "/talks/")
    page.goto(base + "/talks/new")
    page.get_by_role("button", name="Fill it in").click()
    expect(page.get_by_label("Key points")).to_have_value("讲清八不准的要求，逐条说明")
