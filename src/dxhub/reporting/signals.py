"""Signals other modules listen to, so reporting does not import them."""

from django.dispatch import Signal

# Sent inside the approval (or reopening, or move) transaction after approved figures
# changed: unit_ids (the units whose roll-ups moved), indicator_ids.
figures_changed = Signal()
