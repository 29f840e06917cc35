"""Deterministic spread for synthetic data: the i-th of n items lands on a distinct point of a key space.

``Spread(sizes)`` walks the key space (the product of ``sizes``) in a scrambled order: index i maps to
``(i * step) mod capacity``, decomposed digit by digit, with ``step`` coprime to the capacity. That is a bijection,
so n ≤ capacity indices give n distinct keys (no unique constraint can collide), and even the first few hundred
indices reach every value of every digit (every year, source and recipient kind), unlike a nested loop that fills
one year before the next.
"""

from math import gcd, prod

# Knuth's multiplicative-hash constant: large, odd, and its multiples modulo any capacity look well mixed.
STEP = 2654435761


class Spread:
    def __init__(self, sizes: list[int]):
        if any(size < 1 for size in sizes):
            raise ValueError("Every digit of the key space needs at least one value.")
        self.sizes = sizes
        self.capacity = prod(sizes)
        step = STEP % self.capacity or 1
        while gcd(step, self.capacity) != 1:
            step += 1
        self.step = step

    def key(self, index: int) -> list[int]:
        point = (index * self.step) % self.capacity
        digits = []
        for size in self.sizes:
            point, digit = divmod(point, size)
            digits.append(digit)
        return digits


def mix(index: int, salt: int = 0) -> int:
    """A deterministic pseudo-random 32-bit number for an index (amounts, statuses): the same on every run."""
    value = (index * 0x9E3779B1 + salt * 0x85EBCA77) & 0xFFFFFFFF
    value ^= value >> 15
    value = (value * 0x2C1B3C6D) & 0xFFFFFFFF
    value ^= value >> 12
    return value
