"""Build the iCalendar text of a user's feed with the `icalendar` library."""
from __future__ import annotations

import datetime as dt

from flask import url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event

from tracker import clock, vocab
from tracker.calendar.services import responsible_items, theme_days


def _event(uid: str, day: dt.date, summary: str, description: str, url: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", clock.now())
    event.add("dtstart", day)  # a date: an all-day event
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def build(user) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Temporary Branch Tracker//talks and checkpoints//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Temporary Branch Tracker: %(name)s", name=user.name))
    host = url_for("home.index", _external=True).split("//", 1)[-1].split("/", 1)[0]
    for item in responsible_items(user):
        state = vocab.label(vocab.DUE_STATES, item.state)
        if item.is_talk:
            uid = f"{item.kind}-dispatch-{item.dispatch_id}@{host}"
            summary = _("%(kind)s: %(person)s (%(project)s)", kind=item.label, person=item.person_name,
                        project=item.project_code)
            url = url_for("dispatches.detail", dispatch_id=item.dispatch_id, _external=True)
        else:
            uid = f"{item.kind}-project-{item.project_id}@{host}"
            summary = _("%(kind)s: %(project)s %(name)s", kind=item.label, project=item.project_code,
                        name=item.project_name)
            url = url_for("projects.detail", project_id=item.project_id, _external=True)
        cal.add_component(_event(uid, item.due_on, summary, _("State: %(state)s", state=state), url))
    for day, branch in theme_days(user):
        cal.add_component(_event(
            f"theme-day-{branch.id}-{day.isoformat()}@{host}", day,
            _("Theme party day: %(branch)s", branch=branch.name),
            _("Monthly theme party day of the temporary branch."),
            url_for("branches.detail", branch_id=branch.id, _external=True),
        ))
    return cal.to_ical()
