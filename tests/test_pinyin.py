"""Names in pinyin order, found by pinyin initials, with the order kept by the database."""
from __future__ import annotations

import re

from sqlalchemy import select

from tracker.people import queries
from tracker.people.models import Person


def test_keys_follow_the_name(session, make_person):
    person = make_person("林芳")
    assert (person.name_pinyin, person.name_search) == ("lin2fang1", "lf linfang")
    person.name = "李娜"
    assert (person.name_pinyin, person.name_search) == ("li3na4", "ln lina")


def test_people_list_sorts_in_pinyin_order(client, signed_in, make_person):
    signed_in("viewer")
    for name in ("张伟", "林芳", "安然", "李娜", "陈静"):  # code-point order would be 安 张 李 林 陈
        make_person(name)
    page = client.get("/people/").get_data(as_text=True)
    shown = [n for n in re.findall(r"安然|陈静|李娜|林芳|张伟", page)]
    assert shown[:5] == ["安然", "陈静", "李娜", "林芳", "张伟"]


def test_choices_sort_in_the_database(session, make_person):
    for name in ("张伟", "林芳", "安然"):
        make_person(name)
    stmt = queries.choices()
    assert "name_pinyin" in str(stmt)  # ordered by the stored key, not in Python
    names = [row.name for row in session.execute(stmt) if row.name in ("张伟", "林芳", "安然")]
    assert names == ["安然", "林芳", "张伟"]


def test_search_by_initials_and_spelling(client, signed_in, make_person):
    signed_in("viewer")
    make_person("林芳")
    make_person("刘强")
    for typed in ("lf", "LF", "linf", "芳"):
        page = client.get(f"/people/?q={typed}").get_data(as_text=True)
        assert "林芳" in page and "刘强" not in page, typed
    assert "林芳" not in client.get("/people/?q=fl").get_data(as_text=True)


def test_migrated_rows_get_their_keys(session, make_person):
    # the model fills the keys; the migration computes the same ones for older rows
    from tracker.people import pinyin

    person = make_person("欧阳明")
    row = session.execute(select(Person.name_pinyin, Person.name_search).where(Person.id == person.id)).one()
    assert tuple(row) == (pinyin.sort_key("欧阳明"), pinyin.search_key("欧阳明"))


def test_a_search_longer_than_any_name_is_cut_not_refused_by_sqlite(client, make_user, make_person):
    """SQLite refuses LIKE patterns past 50,000 bytes: the pinyin match is cut like the name
    match, so a pasted wall of letters finds nothing instead of failing."""
    from tests.conftest import sign_in

    make_person("林芳")
    sign_in(client, make_user("secretary"))
    for path in ("/people/", "/dispatches/"):
        response = client.get(path, query_string={"q": "l" * 100_000})
        assert response.status_code == 200, path
        assert "林芳" not in response.get_data(as_text=True).split("<main", 1)[-1]


def test_a_worker_that_only_reads_names_never_loads_the_pinyin_dictionaries(tmp_path):
    """pypinyin's dictionaries are about 55 MB of each worker's memory: a fresh process that
    starts the app and serves a list of people has not imported it."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import sys\n"
        "from tracker import create_app\n"
        "from tracker.extensions import db\n"
        "app = create_app({'TESTING': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite:///"
        f"{tmp_path / 'p.sqlite3'}', 'WTF_CSRF_ENABLED': False}})\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "app.test_client().get('/people/')\n"
        "print('pypinyin' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.strip().splitlines()[-1] == "False"
