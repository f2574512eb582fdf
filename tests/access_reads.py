"""Read decisions by page CONTENTS: for every record type, what "another team's leader" and a
viewer (and, for contrast, the team's leader and the office) find on the pages that show it.

Each READS row: (url pattern, a text only that record's contents carry, who sees the text,
who is refused with 403). Everyone else gets the page (200) without the text. The rules are
tracker/access.py's: viewers read everything but the contents of talks; a team leader reads
the organisation and that talks exist, and the sessions, talk contents, due items and
ledgers of the projects they lead only.
"""
from __future__ import annotations

EVERYONE = {"viewer", "leader", "other_leader", "secretary", "admin"}
READERS = {"viewer", "leader", "secretary", "admin"}
CONTENTS = {"leader", "secretary", "admin"}
NOBODY: set = set()

ROWS: dict = {}

KEY_POINTS = "READ-要点-甲乙丙"
CONCERNS = "READ-顾虑-丁戊"
TOPIC = "READ-主题-学习党章"
OTHER_PROJECT = "READ-其他项目"

#: name -> (url pattern, marker, who sees the marker, who is refused)
READS = {
    "project": ("/projects/{project}", "{project_name}", EVERYONE, NOBODY),
    "project list": ("/projects/", "{project_name}", EVERYONE, NOBODY),
    "branch": ("/branches/{branch}", "{branch_name}", EVERYONE, NOBODY),
    "person": ("/people/{person}", "{person_name}", EVERYONE, NOBODY),
    "dispatch": ("/dispatches/{dispatch}", "{project_code}", EVERYONE, NOBODY),
    "study session": ("/study/{read_session}", TOPIC, READERS, {"other_leader"}),
    "study session list": ("/study/", TOPIC, READERS, NOBODY),
    "study sessions on a person page": ("/people/{read_person}", TOPIC, READERS, NOBODY),
    # that the talk exists: its conductor's name on its page
    "talk exists": ("/talks/{read_talk}", "{conductor_name}", EVERYONE, NOBODY),
    "talk key points": ("/talks/{read_talk}", KEY_POINTS, CONTENTS, NOBODY),
    "talk concerns": ("/talks/{read_talk}", CONCERNS, CONTENTS, NOBODY),
    "talk in the list": ("/talks/", 'href="/talks/{read_talk}"', EVERYONE, NOBODY),
    "talk found by its key points": ("/talks/?q=" + KEY_POINTS, 'href="/talks/{read_talk}"', CONTENTS, NOBODY),
    "talk contents on the dispatch page": ("/dispatches/{read_dispatch}", KEY_POINTS, NOBODY, NOBODY),
    "talk contents on the person page": ("/people/{read_person}", KEY_POINTS, NOBODY, NOBODY),
    "talk contents on the branch page": ("/branches/{branch}", KEY_POINTS, NOBODY, NOBODY),
    "talk contents on the dashboard": ("/", KEY_POINTS, NOBODY, NOBODY),
    "due item": ("/due/?state=all", "{person_name}", READERS, NOBODY),
    "ledger branch": ("/ledger/print?branch_id={branch}", "{person_name}", READERS, {"other_leader"}),
    "ledger talk contents": ("/ledger/print?branch_id={branch}", KEY_POINTS, CONTENTS, {"other_leader"}),
    "all-branches ledger": ("/ledger/print", "{branch_name}", READERS, NOBODY),
    "dashboard figures": ("/", "{branch_name}", READERS, NOBODY),
}


def ids(world, getfixture) -> dict:
    make_talk, make_person = getfixture("make_talk"), getfixture("make_person")
    make_session, make_dispatch = getfixture("make_session"), getfixture("make_dispatch")
    # A second member of the team, so that the world's dispatch and membership carry no
    # approved records (a team leader may still delete those in the access table).
    person = make_person("谈话对象乙")
    dispatch = make_dispatch(person, world["project"])
    # conducted by someone else than the team leader: the leader reads it by the team rule
    conductor = make_person("谈话人甲")
    talk = make_talk(person, conductor, dispatch=dispatch, status="reviewed",
                     key_points=KEY_POINTS, concerns=CONCERNS)
    study = make_session(world["branch"], topic=TOPIC, status="submitted", attendance=[(person, "present", "")])
    return {
        "read_talk": talk.id, "read_session": study.id, "conductor_name": conductor.name,
        "read_person": person.id, "read_dispatch": dispatch.id,
        "project_name": world["project"].name, "project_code": world["project"].code,
        "branch_name": world["branch"].name, "person_name": world["member"].name,
    }
