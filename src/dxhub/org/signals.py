"""Signals other modules listen to, so the org module does not import them."""

from django.dispatch import Signal

# Sent inside the move's transaction, after the subtree's paths changed:
# unit (with its new path), old_path.
unit_moved = Signal()
