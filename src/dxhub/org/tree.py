"""Materialised-path arithmetic for the unit tree.

Each unit's ``path`` is its parent's path plus one fixed-width step of base-36
digits (``0-9A-Z``), so a subtree is the half-open range [path, successor(path))
on one B-tree index, on SQLite and PostgreSQL alike, and siblings sort in
creation order. Four characters give 1 679 616 children per unit.
"""

STEP = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_STEP = len(ALPHABET) ** STEP - 1


def encode_step(n: int) -> str:
    if not 0 <= n <= MAX_STEP:
        raise ValueError(f"step out of range: {n}")
    out = []
    for _ in range(STEP):
        n, r = divmod(n, len(ALPHABET))
        out.append(ALPHABET[r])
    return "".join(reversed(out))


def decode_step(step: str) -> int:
    n = 0
    for ch in step:
        n = n * len(ALPHABET) + ALPHABET.index(ch)
    return n


def child_path(parent_path: str, index: int) -> str:
    return parent_path + encode_step(index)


def depth_of(path: str) -> int:
    return len(path) // STEP


def successor(path: str) -> str:
    """The smallest string greater than every path that starts with ``path``.

    Paths only use ``0-9A-Z``; bumping the last character gives an exclusive
    upper bound (``Z`` carries into the previous character).
    """
    chars = list(path)
    for i in range(len(chars) - 1, -1, -1):
        pos = ALPHABET.index(chars[i])
        if pos + 1 < len(ALPHABET):
            chars[i] = ALPHABET[pos + 1]
            return "".join(chars[: i + 1])
    return path + "~"  # only for an all-Z path; '~' sorts after every alphabet char


def ancestor_paths(path: str) -> list[str]:
    """Paths of all ancestors, root first, excluding ``path`` itself."""
    return [path[:i] for i in range(STEP, len(path), STEP)]
