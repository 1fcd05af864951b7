"""MentorDesk: run a workplace peer-mentoring programme from one offline desktop app."""

__version__ = "0.1.0"
APP_NAME = "MentorDesk"
