"""Pre- and post-dispatch talks (事前/事后谈话), integrity reminders and other talks."""
