"""Members sign themselves in to a study session with a QR code the team leader shows.

- `codes`: the short-lived signed link in the QR code (a new one every minute), the ticket
  a scan turns into (so signing in to the app on the way loses nothing), the SVG.
- `services`: the checks (window, membership, twice) and the write, and the leader's roster.
- `views`: the leader's code page and its roster endpoint; the member's scan and button.
"""
