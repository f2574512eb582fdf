"""The review dashboard: the home page of secretaries, admins and viewers, and,
limited to their own projects and branches, of team leaders.

- the period a person looks at (this month, quarter, year, or custom dates) is a
  `tracker.periods.Period`, read from the request by `periods.from_args`;
- `figures`: every number the dashboard shows, each read with a fixed number of queries
  (the due states come from `tracker.due`, the study rules from `tracker.study.rules`);
- `charts`: server-side SVG bar charts (no script, no style attributes);
- `views`: the page, rendered by the home page's view.
"""
