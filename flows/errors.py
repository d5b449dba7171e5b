"""Errors a user can act on: the CLI prints their message as one sentence, never a traceback."""


class LeadpilotError(Exception):
    """A problem the user can fix; its message is one clear sentence."""
