"""Personal iCalendar feeds of what a user is responsible for."""
