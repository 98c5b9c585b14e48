"""Errors a user can act on: printed as one line naming the file, row or column and what to do."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or configuration, not a bug in channel-mdm."""
