"""Signals other modules listen to, so reporting does not import them."""

from django.dispatch import Signal

# Sent inside the approval (or reopening, or move) transaction after approved figures
# changed: unit_ids (the units whose roll-ups moved), indicator_ids. After a rebuild
# unit_ids is None (every unit) and indicator_ids None (every indicator) or the one rebuilt.
figures_changed = Signal()
