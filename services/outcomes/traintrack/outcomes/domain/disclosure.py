"""Disclosure control for public views: which groups to withhold so that no figure about
fewer than five people is published, nor recoverable from published figures.

Every published group is a set of cohorts (a cohort, a programme, an institute, a region,
all, a year, or a two-way cell such as institute x year), and every published count of a
group is the sum of its cohorts' counts. So a withheld group can be recovered exactly when
its set of cohorts is a linear combination of published groups' sets (adding and
subtracting published cells: the differencing attack). Primary suppression withholds the
small groups; complementary suppression then withholds more groups, one at a time, until
no withheld group lies in the span of the published ones. One pattern serves every
indicator and count, so that figures sharing people cannot be played against each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

Cell = frozenset[str]  # a group, as the set of its cohorts


def protect(
    cells: Iterable[Cell], sensitive: Iterable[Cell], weight: Mapping[Cell, int]
) -> set[Cell]:
    """The cells to withhold: the sensitive ones and enough others that none of them is a
    linear combination of the published cells. `weight` (people in a cell) picks the
    complement that costs least; a cell of nobody protects nothing and is picked last."""
    every = set(cells)
    withheld = set(sensitive) & every
    while (complement := _complement(every - withheld, withheld, weight)) is not None:
        withheld.add(complement)
    return withheld


def _complement(
    published: set[Cell], withheld: set[Cell], weight: Mapping[Cell, int]
) -> Cell | None:
    """For the first withheld cell the published cells recover, the cheapest of the
    published cells the recovery uses (withholding it breaks that recovery; the next
    round checks again, since another may exist); None when nothing is recoverable.
    One at a time: a complement often protects other cells too."""
    # A published single cohort is known outright: reduce every set by the known cohorts,
    # leaving a small system over the cohorts withheld on their own.
    known = {next(iter(c)) for c in published if len(c) == 1}
    rows = sorted({c for c in published if c - known}, key=sorted)
    basis = _Basis([r - known for r in rows])
    for target in sorted(withheld, key=lambda c: (len(c), sorted(c))):
        rest = target - known
        if not rest:  # the sum of published single cohorts
            used = {frozenset({cohort}) for cohort in target}
        else:
            combination = basis.combination(rest)
            if combination is None:
                continue
            rows_used = {rows[i]: a for i, a in combination.items()}
            used = {*rows_used, *_known_cohorts_used(rows_used, target, known)}
        return _cheapest(used, target, published | withheld, weight)
    return None


def _cheapest(
    candidates: set[Cell], target: Cell, every: set[Cell], weight: Mapping[Cell, int]
) -> Cell:
    """The complement that costs least: a single cohort before an aggregate (totals are
    what readers come for), then the one sharing the most groups with the target (a
    cohort of the same programme and year protects it in every table at once), then the
    fewest people (but not nobody: a cell of nobody protects nothing)."""

    def cost(cell: Cell) -> tuple[int, int, bool, int, list[str]]:
        together = cell | target
        shared = sum(1 for group in every if together <= group)
        people = weight.get(cell, 0)
        return (len(cell) > 1, -shared, people == 0, people, sorted(cell))

    return min(candidates, key=cost)


def _known_cohorts_used(used: dict[Cell, int], target: Cell, known: set[str]) -> set[Cell]:
    """The published single cohorts the recovery adds or subtracts to go from the used
    cells' sum to the target (withholding one of those also breaks it)."""
    total: dict[str, int] = {}
    for cell, a in used.items():
        for cohort in cell & known:
            total[cohort] = (total.get(cohort, 0) + a) % _P
    return {frozenset({c}) for c in known if total.get(c, 0) != (1 if c in target else 0)}


# Exact linear algebra modulo a large prime: a combination over the rationals is one modulo
# the prime too (unless the prime divides a denominator: vanishingly unlikely with 0/1 rows
# of this size), and a spurious one only withholds a cell more.
_P = 2**61 - 1


class _Basis:
    """Row echelon form of 0/1 rows, remembering which rows make each basis vector."""

    def __init__(self, rows: list[Cell]) -> None:
        self.vectors: list[tuple[str, dict[str, int], dict[int, int]]] = []
        for i, row in enumerate(rows):
            vector, combo = self._reduce({c: 1 for c in row}, {i: 1})
            if vector:
                pivot = min(vector)
                inverse = pow(vector[pivot], _P - 2, _P)
                self.vectors.append(
                    (
                        pivot,
                        {k: v * inverse % _P for k, v in vector.items()},
                        {k: v * inverse % _P for k, v in combo.items()},
                    )
                )

    def combination(self, target: Cell) -> dict[int, int] | None:
        """Coefficients (by row, non-zero only) of rows summing to `target`, or None."""
        vector, combo = self._reduce({c: 1 for c in target}, {})
        if vector:
            return None
        # what is left is target - sum(coefficient x row) = 0
        return {i: -v % _P for i, v in combo.items() if v % _P}

    def _reduce(
        self, vector: dict[str, int], combo: dict[int, int]
    ) -> tuple[dict[str, int], dict[int, int]]:
        """`vector` less its projection on the basis; `combo` keeps `vector` equal to the
        start plus the sum of coefficient x row."""
        for pivot, b_vector, b_combo in self.vectors:
            factor = vector.get(pivot)
            if not factor:
                continue
            for cohort, v in b_vector.items():
                value = (vector.get(cohort, 0) - factor * v) % _P
                if value:
                    vector[cohort] = value
                else:
                    vector.pop(cohort, None)
            for row, v in b_combo.items():
                combo[row] = (combo.get(row, 0) - factor * v) % _P
        return vector, combo
