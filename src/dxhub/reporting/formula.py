"""Formulas of computed indicators, parsed and evaluated without ``eval``.

A formula is arithmetic over other indicators' codes, for example
``DOC_SIGNED / DOC_TOTAL * 100`` (share of documents digitally signed). Grammar:

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER | CODE | FUNC "(" expr (";" expr)* ")" | "(" expr ")"
    FUNC    := min | max | abs

Numbers use a dot or a Vietnamese comma as the decimal mark ("0,5"), so function
arguments are separated by ";" as in Vietnamese Excel: ``max(A; B)``. Codes are
indicator codes: a letter, then letters, digits, "_" or ".". Evaluation is in
Decimal; a missing value or a division by zero makes the result ``None`` (not
reported), never an error and never a silent 0. Parse errors are ``FormulaError``
with a Vietnamese message naming the position.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

FUNCTIONS = {"min": (1, None), "max": (1, None), "abs": (1, 1)}  # name: (min args, max args or None)
MAX_LENGTH = 500
MAX_DEPTH = 50

_TOKEN = re.compile(
    r"\s*(?:(?P<number>[0-9]+(?:[.,][0-9]+)?)|(?P<name>[A-Za-z][A-Za-z0-9_.]*)|(?P<op>[-+*/();]))", re.ASCII
)


class FormulaError(ValueError):
    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.message, self.position = message, position


@dataclass(frozen=True)
class Num:
    value: Decimal


@dataclass(frozen=True)
class Ref:
    code: str


@dataclass(frozen=True)
class Neg:
    operand: object


@dataclass(frozen=True)
class BinOp:
    op: str
    left: object
    right: object


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple


def _tokens(text: str):
    pos = 0
    out = []
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            bad = text[pos:].lstrip()[:1]
            at = len(text) - len(text[pos:].lstrip())
            raise FormulaError(f"Ký tự không hợp lệ “{bad}” ở vị trí {at + 1}.", at)
        kind = m.lastgroup
        start = m.start(kind)
        out.append((kind, m.group(kind), start))
        pos = m.end()
    out.append(("end", "", len(text)))
    return out


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.i = 0
        self.depth = 0

    def peek(self):
        return self.tokens[self.i]

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def expect(self, value):
        kind, text, pos = self.take()
        if text != value:
            found = f"“{text}”" if kind != "end" else "hết công thức"
            raise FormulaError(f"Thiếu “{value}” ở vị trí {pos + 1} (gặp {found}).", pos)

    def parse(self):
        node = self.expr()
        kind, text, pos = self.peek()
        if kind != "end":
            raise FormulaError(f"Thừa “{text}” ở vị trí {pos + 1}.", pos)
        return node

    def expr(self):
        node = self.term()
        while self.peek()[1] in ("+", "-") and self.peek()[0] == "op":
            op = self.take()[1]
            node = BinOp(op, node, self.term())
        return node

    def term(self):
        node = self.unary()
        while self.peek()[1] in ("*", "/") and self.peek()[0] == "op":
            op = self.take()[1]
            node = BinOp(op, node, self.unary())
        return node

    def unary(self):
        if self.peek()[:2] == ("op", "-"):
            self.take()
            return Neg(self.unary())
        return self.atom()

    def atom(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise FormulaError("Công thức lồng nhau quá sâu.", self.peek()[2])
        kind, text, pos = self.take()
        try:
            if kind == "number":
                return Num(Decimal(text.replace(",", ".")))
            if kind == "name":
                if self.peek()[:2] == ("op", "("):
                    return self.call(text, pos)
                return Ref(text.upper())
            if (kind, text) == ("op", "("):
                node = self.expr()
                self.expect(")")
                return node
            found = f"“{text}”" if kind != "end" else "hết công thức"
            raise FormulaError(f"Thiếu số hoặc mã chỉ tiêu ở vị trí {pos + 1} (gặp {found}).", pos)
        finally:
            self.depth -= 1

    def call(self, name, pos):
        fn = name.lower()
        if fn not in FUNCTIONS:
            raise FormulaError(f"Hàm “{name}” không được hỗ trợ (chỉ có: {', '.join(FUNCTIONS)}).", pos)
        self.expect("(")
        args = [self.expr()]
        while self.peek()[:2] == ("op", ";"):
            self.take()
            args.append(self.expr())
        self.expect(")")
        low, high = FUNCTIONS[fn]
        if len(args) < low or (high is not None and len(args) > high):
            raise FormulaError(f"Hàm “{fn}” nhận sai số đối số ({len(args)}).", pos)
        return Call(fn, tuple(args))


def parse(text: str):
    """The syntax tree of ``text``; FormulaError when it is not a valid formula."""
    text = (text or "").strip()
    if not text:
        raise FormulaError("Công thức trống.", 0)
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"Công thức quá dài (tối đa {MAX_LENGTH} ký tự).", MAX_LENGTH)
    return _Parser(text).parse()


def references(node) -> set[str]:
    """The indicator codes a formula reads."""
    if isinstance(node, Ref):
        return {node.code}
    if isinstance(node, Neg):
        return references(node.operand)
    if isinstance(node, BinOp):
        return references(node.left) | references(node.right)
    if isinstance(node, Call):
        return set().union(*(references(a) for a in node.args))
    return set()


def evaluate(node, values: dict[str, Decimal | int | float | None]) -> Decimal | None:
    """The value of a formula for the given indicator values (None when undefined)."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Ref):
        value = values.get(node.code)
        return None if value is None else Decimal(str(value))
    if isinstance(node, Neg):
        inner = evaluate(node.operand, values)
        return None if inner is None else -inner
    if isinstance(node, Call):
        args = [evaluate(a, values) for a in node.args]
        if any(a is None for a in args):
            return None
        return {"min": min, "max": max}[node.name](args) if node.name != "abs" else abs(args[0])
    left, right = evaluate(node.left, values), evaluate(node.right, values)
    if left is None or right is None:
        return None
    try:
        if node.op == "+":
            return left + right
        if node.op == "-":
            return left - right
        if node.op == "*":
            return left * right
        return None if right == 0 else left / right
    except InvalidOperation:
        return None


def find_cycle(code: str, formulas: dict[str, object]) -> list[str] | None:
    """A cycle reachable from ``code`` through computed indicators' formulas (parsed,
    by code), as the list of codes around it, or None."""
    path: list[str] = []

    def visit(current: str) -> bool:
        if current in path:
            path.append(current)
            return True
        if current not in formulas:
            return False
        path.append(current)
        if any(visit(ref) for ref in sorted(references(formulas[current]))):
            return True
        path.pop()
        return False

    return path[path.index(path[-1]) :] if visit(code) else None
