"""Announcements, public notices (公示) and objections (M-62)."""
