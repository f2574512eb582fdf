"""The Chinese catalogue is compiled at start when the .mo is missing or older than the .po."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from babel.messages.mofile import read_mo

from tracker import create_app
from tracker.catalogues import ensure_compiled

ROOT = Path(__file__).resolve().parent.parent


def _copy_translations(tmp_path: Path) -> Path:
    copy = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", copy, ignore=shutil.ignore_patterns("*.mo"))
    return copy


def test_a_missing_mo_is_compiled_and_read_back(tmp_path):
    source = _copy_translations(tmp_path)
    mo = source / "zh/LC_MESSAGES/messages.mo"
    assert not mo.exists()
    assert ensure_compiled(source, tmp_path / "instance") == [str(source)]
    with mo.open("rb") as f:
        catalog = read_mo(f)
    assert catalog.get("Temporary branch").string == "临时党支部"


def test_an_older_mo_is_recompiled(tmp_path):
    source = _copy_translations(tmp_path)
    ensure_compiled(source, tmp_path / "instance")
    po, mo = source / "zh/LC_MESSAGES/messages.po", source / "zh/LC_MESSAGES/messages.mo"
    os.utime(mo, (po.stat().st_mtime - 60,) * 2)
    po.write_text(po.read_text(encoding="utf-8").replace('msgid "Temporary branch"\nmsgstr "临时党支部"',
                                                                 'msgid "Temporary branch"\nmsgstr "临时支部X"', 1),
                  encoding="utf-8")
    ensure_compiled(source, tmp_path / "instance")
    with mo.open("rb") as f:
        assert read_mo(f).get("Temporary branch").string == "临时支部X"


def test_a_read_only_checkout_compiles_into_the_instance_folder(tmp_path, monkeypatch):
    import tempfile

    from tracker import catalogues

    source = _copy_translations(tmp_path)
    real = tempfile.mkstemp

    def read_only(*args, dir, **kw):  # the tests run as root, which a chmod would not stop
        if Path(dir).is_relative_to(source):
            raise PermissionError(13, "Read-only file system", dir)
        return real(*args, dir=dir, **kw)

    monkeypatch.setattr(catalogues.tempfile, "mkstemp", read_only)
    dirs = ensure_compiled(source, tmp_path / "instance")
    assert dirs == [str(tmp_path / "instance/translations"), str(source)]
    with (tmp_path / "instance/translations/zh/LC_MESSAGES/messages.mo").open("rb") as f:
        assert read_mo(f).get("Temporary branch").string == "临时党支部"
    assert not list(source.rglob("*.mo*"))


def test_a_checkout_without_mo_shows_chinese_to_a_chinese_browser(tmp_path):
    mo = ROOT / "translations/zh/LC_MESSAGES/messages.mo"
    saved = mo.read_bytes()
    mo.unlink()
    try:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
        page = app.test_client().get("/sign-in", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
        assert "登录" in page.get_data(as_text=True)
        assert mo.exists()
    finally:
        if not mo.exists():
            mo.write_bytes(saved)
