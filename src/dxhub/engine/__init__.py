"""dxhub index engine: criteria framework + per-unit values -> points, indices, bands, ranks.

Pure Python + NumPy (no Django), so the web app, background jobs and the command line
(``python -m dxhub.engine score ...``) share one implementation. See docs/assessment-format.md.
"""

from .framework import (
    FORMAT,
    METHODS,
    Band,
    Framework,
    FrameworkError,
    Node,
    Problem,
    check_value,
    parse_framework,
)
from .i18n import vn_number
from .index import Priority, Scores, WhatIf, combine, compute, priorities, subtree_index, whatif
from .ranking import RankIntervals, competition_rank, rank_intervals, round4
from .scoring import leaf_points

__all__ = [
    "FORMAT",
    "METHODS",
    "Band",
    "Framework",
    "FrameworkError",
    "Node",
    "Priority",
    "Problem",
    "RankIntervals",
    "Scores",
    "WhatIf",
    "check_value",
    "combine",
    "competition_rank",
    "compute",
    "leaf_points",
    "parse_framework",
    "priorities",
    "rank_intervals",
    "round4",
    "subtree_index",
    "vn_number",
    "whatif",
]
