"""The differencing attack on published tables: an outsider who downloads every public
table (every grouping) adds and subtracts published cells to recover a withheld one. The
attacker here is written independently of the code under test: it solves for each withheld
cell with numpy's least squares over every published cell of every grouping."""

import random
from datetime import UTC, date, datetime

import numpy as np
import pytest

from traintrack.outcomes.domain.definitions import Context
from traintrack.outcomes.domain.disclosure import protect
from traintrack.outcomes.domain.figures import is_small
from traintrack.outcomes.domain.publication import publish_public
from traintrack.outcomes.domain.query import Query, chosen
from traintrack.outcomes.domain.records import Fact, known_on
from traintrack.outcomes.domain.reports import GROUPINGS, cohort_sets
from traintrack.outcomes.domain.tables import cell_view

# region 30: institute I1 runs programme P1 (cohorts c1 of 3 people, c2 of 10) and P2 (c3
# of 12); institute I2 runs P3 (c4 of 8). Region 11: I3 runs P4 (c5 of 9, c6 of 7).
# Cohorts c1-c4 end in 2025, c5 and c6 in 2026.
HIERARCHY = {
    "c1": ("P1", "I1", "30", 3, "2025"),
    "c2": ("P1", "I1", "30", 10, "2025"),
    "c3": ("P2", "I1", "30", 12, "2025"),
    "c4": ("P3", "I2", "30", 8, "2025"),
    "c5": ("P4", "I3", "11", 9, "2026"),
    "c6": ("P4", "I3", "11", 7, "2026"),
}


def _facts(hierarchy=HIERARCHY) -> list[Fact]:
    facts = []
    at = datetime(2026, 1, 1, tzinfo=UTC)
    for cohort, (programme, institute, region, size, year) in hierarchy.items():
        data = {
            "cohort_id": cohort, "programme_id": programme, "programme_name": programme,
            "institute_id": institute, "region_code": region, "track": "k_digital_training",
            "field": "AI", "starts_on": f"{year}-01-05", "ends_on": f"{year}-06-30",
        }  # fmt: skip
        facts.append(Fact(f"open-{cohort}", "cohort-opened", cohort, at, data))
        for n in range(size):
            t = f"{cohort}-t{n}"
            enrolled = {"trainee_id": t, "enrollment_id": f"e-{t}", "cohort_id": cohort,
                        "enrolled_on": f"{year}-01-05", "institute_id": institute}  # fmt: skip
            facts.append(Fact(f"en-{t}", "trainee-enrolled", t, at, enrolled))
    return facts


def _attack(published: list[tuple[frozenset[str], float]], target: frozenset[str], cohorts):
    """The target's value if the published cells determine it, else None."""
    index = {c: i for i, c in enumerate(sorted(cohorts))}

    def vector(cell):
        v = np.zeros(len(index))
        for c in cell:
            v[index[c]] = 1.0
        return v

    a = np.array([vector(cell) for cell, _ in published])
    b = np.array([value for _, value in published])
    t = vector(target)
    # the target is determined iff it lies in the row space of the published cells
    coefficients, *_ = np.linalg.lstsq(a.T, t, rcond=None)
    if not np.allclose(a.T @ coefficients, t, atol=1e-9):
        return None
    return float(coefficients @ b)


def _tables(pattern, hierarchy):
    """Every grouping's cells with the people enrolled in each: (cohorts, count, withheld)."""
    population = known_on(_facts(hierarchy), datetime(2027, 1, 1, tzinfo=UTC))
    rows = []
    for by in GROUPINGS:
        for cells in cohort_sets(population, by).values():
            size = sum(hierarchy[c][3] for c in cells)
            rows.append((cells, size, cells in pattern))
    return rows


def _recovered(pattern, hierarchy=HIERARCHY) -> dict[frozenset[str], float]:
    rows = _tables(pattern, hierarchy)
    published = [(cells, size) for cells, size, hidden in rows if not hidden]
    found = {}
    for cells, _, hidden in rows:
        if hidden:
            value = _attack(published, cells, hierarchy)
            if value is not None:
                found[cells] = round(value, 6)
    return found


def test_primary_suppression_alone_gives_the_small_cohort_away():
    """Withholding only c1 (3 people): P1 (13) - c2 (10) = 3."""
    assert _recovered({frozenset({"c1"})}) == {frozenset({"c1"}): 3.0}


def test_the_published_pattern_leaves_nothing_to_recover_across_three_levels():
    population = known_on(_facts(), datetime(2027, 1, 1, tzinfo=UTC))
    shown = publish_public(population, Context(date(2027, 1, 1), 2026))
    assert frozenset({"c1"}) in shown.withheld["enrolled.v1"]
    assert _recovered(shown.withheld["enrolled.v1"]) == {}
    # the complement is a cohort of the same programme and year, and every total above
    # the programme stays published
    assert frozenset({"c2"}) in shown.withheld["enrolled.v1"]
    for by in ("all", "region", "institute", "year"):
        assert not set(cohort_sets(population, by).values()) & shown.withheld["enrolled.v1"], by


def test_a_small_cohort_alone_in_its_year_needs_a_rectangle_of_complements():
    """P1 runs a1 (3 people, 2024), a2 and a3 (2025); P2 runs b1 (2024) and b2 (2025).
    a1 = P1 - P1x2025, so that aggregate must go too; the cheapest protection withholds
    a1, a2, b1, b2 (a cycle across programmes and years) and P1x2025 = {a2, a3}."""
    hierarchy = {
        "a1": ("P1", "I1", "30", 3, "2024"), "a2": ("P1", "I1", "30", 20, "2025"),
        "a3": ("P1", "I1", "30", 20, "2025"), "b1": ("P2", "I1", "30", 25, "2024"),
        "b2": ("P2", "I1", "30", 22, "2025"), "c1": ("P3", "I2", "30", 18, "2024"),
        "c2": ("P3", "I2", "30", 19, "2025"),
    }  # fmt: skip
    population = known_on(_facts(hierarchy), datetime(2027, 1, 1, tzinfo=UTC))
    shown = publish_public(population, Context(date(2027, 1, 1), 2026))
    assert _recovered(shown.withheld["enrolled.v1"], hierarchy) == {}
    assert shown.withheld["enrolled.v1"] == {frozenset(s) for s in (
        {"a1"}, {"a2"}, {"b1"}, {"b2"}, {"a2", "a3"})}  # fmt: skip


@pytest.mark.parametrize("seed", range(8))
def test_nothing_is_recovered_from_random_programme_histories(seed):
    """Three regions of two institutes of two programmes, each with one to three cohorts
    of 0 to 14 people over two years (so small cohorts, small programmes and small
    institute x year cells all occur)."""
    rng = random.Random(seed)
    hierarchy = {}
    for region in ("11", "30", "41"):
        for i in range(2):
            for p in range(2):
                for c in range(rng.randint(1, 3)):
                    name = f"{region}-i{i}-p{p}-c{c}"
                    year = rng.choice(("2024", "2025"))
                    hierarchy[name] = (f"{region}-i{i}-p{p}", f"{region}-i{i}", region,
                                       rng.randint(1, 14), year)  # fmt: skip
    population = known_on(_facts(hierarchy), datetime(2027, 1, 1, tzinfo=UTC))
    shown = publish_public(population, Context(date(2027, 1, 1), 2026))
    small = {frozenset({c}) for c, row in hierarchy.items() if row[3] < 5}
    assert small <= shown.withheld["enrolled.v1"]
    assert _recovered(shown.withheld["enrolled.v1"], hierarchy) == {}


def test_public_cells_of_withheld_groups_publish_no_number_at_all():
    population = known_on(_facts(), datetime(2027, 1, 1, tzinfo=UTC))
    q = Query(date(2027, 1, 1), group_by="cohort", public=True)
    shown = publish_public(population, q.context)
    rows = [cell_view(c, q, shown.hidden(c)) for c in shown.cells("cohort", *chosen(q))]
    c1 = [r for r in rows if r["group"] == "c1"]
    assert c1 and all(r["suppressed"] for r in c1)
    assert {r["value"] for r in c1} == {None} and {r["denominator"] for r in c1} == {None}
    c3 = [r for r in rows if r["group"] == "c3" and r["indicator"] == "enrolled"]
    assert (c3[0]["value"], c3[0]["suppressed"]) == (12.0, False)


def test_protect_withholds_a_complement_for_every_way_to_subtract():
    """Programme totals and cohorts: {a} small. Subtracting works through P={a,b} and
    through Y={a,c} (a year); withholding b alone still leaves Y - c."""
    cells = [frozenset(s) for s in ({"a"}, {"b"}, {"c"}, {"a", "b"}, {"a", "c"}, {"a", "b", "c"})]
    weight = {cell: 5 * len(cell) for cell in cells}
    weight[frozenset({"a"})] = 2
    withheld = protect(cells, {frozenset({"a"})}, weight)
    published = [(cell, float(weight[cell])) for cell in cells if cell not in withheld]
    for cell in withheld:
        assert _attack(published, cell, {"a", "b", "c"}) is None
    assert len(withheld) >= 3


def test_a_group_of_nobody_is_never_the_complement_when_a_real_one_exists():
    cells = [frozenset(s) for s in ({"a"}, {"b"}, {"z"}, {"a", "b", "z"})]
    weight = {frozenset({"a"}): 3, frozenset({"b"}): 9, frozenset({"z"}): 0}
    weight[frozenset({"a", "b", "z"})] = 12
    withheld = protect(cells, {frozenset({"a"})}, weight)
    assert frozenset({"b"}) in withheld and frozenset({"z"}) not in withheld


def test_a_figure_about_few_people_in_a_large_group_is_withheld_in_that_figure_only():
    """Cohort A (region 30): 3 job seekers and 7 upskilling workers, all completed; cohort
    B (region 11): 12 job seekers. The employment rate is about job seekers: 3 in A, a
    small cell, so A and its complement B are withheld in it (all = A + B); completion
    is about all 10 and 12 and stays published."""
    facts = []
    at = datetime(2026, 1, 1, tzinfo=UTC)
    for cohort, region, seekers, workers in (("A", "30", 3, 7), ("B", "11", 12, 0)):
        data = {
            "cohort_id": cohort, "programme_id": f"P{cohort}", "programme_name": "AI",
            "institute_id": f"I{cohort}", "region_code": region, "track": "k_digital_training",
            "field": "AI", "starts_on": "2025-01-06", "ends_on": "2025-06-30",
        }  # fmt: skip
        facts.append(Fact(f"open-{cohort}", "cohort-opened", cohort, at, data))
        for n in range(seekers + workers):
            t = f"{cohort}-{n}"
            status = "job_seeker" if n < seekers else "employed_worker"
            ids = {"trainee_id": t, "enrollment_id": f"e-{t}", "cohort_id": cohort}
            facts.append(Fact(f"en-{t}", "trainee-enrolled", t, at, {**ids,
                              "enrolled_on": "2025-01-06", "institute_id": f"I{cohort}",
                              "trainee_status": status}))  # fmt: skip
            done = {**ids, "completed_on": "2025-06-30", "early_employment": False}
            facts.append(Fact(f"done-{t}", "enrollment-completed", t, at, done))
    population = known_on(facts, datetime(2027, 1, 1, tzinfo=UTC))
    shown = publish_public(population, Context(date(2027, 1, 1), 2026))
    a, b = frozenset({"A"}), frozenset({"B"})
    assert {a, b} <= shown.withheld["employment_rate_6m.v2"]
    assert shown.withheld["completion_rate.v2"] == set()
    rows = []
    for by in GROUPINGS:
        for cells in cohort_sets(population, by).values():
            seekers = {"A": 3, "B": 12}
            rows.append((cells, sum(seekers[c] for c in cells)))
    pattern = shown.withheld["employment_rate_6m.v2"]
    published = [(cells, n) for cells, n in rows if cells not in pattern]
    assert all(_attack(published, cells, {"A", "B"}) is None for cells in pattern)


def test_a_cell_is_small_from_one_to_four_people():
    assert [is_small(n) for n in (0, 1, 4, 5)] == [False, True, True, False]


def test_a_cohort_of_four_is_a_small_cell_and_of_five_not():
    hierarchy = {
        "c5": ("P1", "I1", "30", 5, "2025"), "c4": ("P2", "I1", "30", 4, "2025"),
        "c9": ("P3", "I1", "30", 9, "2025"), "d9": ("P4", "I2", "11", 9, "2025"),
    }  # fmt: skip
    population = known_on(_facts(hierarchy), datetime(2027, 1, 1, tzinfo=UTC))
    shown = publish_public(population, Context(date(2027, 1, 1), 2026))
    assert frozenset({"c4"}) in shown.small and frozenset({"c5"}) not in shown.small
    pattern = shown.withheld["enrolled.v1"]
    assert frozenset({"c4"}) in pattern and frozenset({"d9"}) not in pattern
    assert _recovered(pattern, hierarchy) == {}
