"""The account role "Secretary" and the branch role "Secretary" are one English word and two
Chinese ones (GLOSSARY.md): 支部书记 for the account, 书记 for the officer of a branch."""
from __future__ import annotations

import re

ZH = {"Accept-Language": "zh-CN"}


def _cells(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]


def test_accounts_page_names_the_account_role_in_chinese(client, signed_in, make_user):
    signed_in("admin")
    secretary = make_user("secretary", username="shuji")
    page = client.get("/accounts/", headers=ZH).get_data(as_text=True)
    row = page[page.index(f">{secretary.username}<"):]
    row = row[:row.index("</tr>")]
    assert "支部书记" in row


def test_branch_page_names_the_branch_role_in_chinese(client, signed_in, make_person, make_branch, make_project):
    signed_in("admin")
    person = make_person("王书记人")
    branch = make_branch(projects=[make_project()], members=[(person, "secretary")])
    page = client.get(f"/branches/{branch.id}", headers=ZH).get_data(as_text=True)
    assert "书记" in _cells(page)
    assert "支部书记" not in _cells(page)


def test_english_says_secretary_for_both(client, signed_in, make_user, make_person, make_branch, make_project):
    signed_in("admin")
    make_user("secretary", username="shuji-en")
    branch = make_branch(projects=[make_project()], members=[(make_person(), "secretary")])
    assert "Secretary" in client.get("/accounts/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Secretary" in _cells(client.get(f"/branches/{branch.id}", headers={"Accept-Language": "en"}).get_data(as_text=True))
