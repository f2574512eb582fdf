"""`flask --app wsgi points load-scheme FILE.json`: add a version of the points scheme;
`flask --app wsgi points rebuild`: make the points tally again from the records."""
from __future__ import annotations

import click

from tracker.extensions import db
from tracker.points import scheme, tally


@click.command("load-scheme")
@click.argument("path", type=click.Path(dir_okay=False))
def load_scheme(path):
    """Add a new version of the points scheme from a JSON file (see default_scheme.json)."""
    try:
        version = scheme.load_file(path)
    except scheme.SchemeError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    first_year = version.effective_from.year + (version.effective_from.timetuple().tm_yday > 1)
    click.echo(f"added version {version.label}: {len(version.categories)} categories, "
               f"{len(version.items)} items, base {version.base_score}, threshold {version.threshold}; "
               f"governs the cards of {first_year} onwards")


@click.command("rebuild")
def rebuild():
    """Count every year's points again from the records into the tally the tables read (after
    upgrading to migration 0021, or after loading records by other means than the app)."""
    written = tally.rebuild(db.session)
    db.session.commit()
    click.echo(f"points tally rebuilt: {written} rows")
