"""Deadlines of every subject on a calendar, a personal iCalendar feed and the reminders
sent before and on each due date (issue 13 item 6, M-36)."""
