"""Slack front end: `/pullquote` on slack-bolt's AsyncApp, over HTTP or Socket Mode."""

from adapters.slack.app import SlackAdapter, build_slack_adapter, build_slack_app
from adapters.slack.client import make_client
from adapters.slack.http import web_app
from adapters.slack.serve import run_slack

__all__ = [
    "SlackAdapter",
    "build_slack_adapter",
    "build_slack_app",
    "make_client",
    "run_slack",
    "web_app",
]
