"""The examination timetabler (考试排期求解器).

Two phases:

1. **Feasibility with CP-SAT** (OR-Tools). One period variable per group of coincident exams;
   an ``AllDifferent`` per distinct set of exams a student sits (no candidate in two exams at
   once), the AFTER / EXCLUSION constraints, the periods long enough for the exams, and per
   period the seats of its exams within the seats of all rooms. Rooms are then packed per
   period (best fit; a small CP-SAT bin packing when that fails). A period whose exams cannot
   be packed gets a cut (not all of them together) and CP-SAT is asked again.
2. **Soft penalty by simulated annealing** from that start: Kempe-chain moves between two
   periods (a plain period move when the chain is a single exam) and room moves, only ever
   through feasible timetables, so the result stays feasible. The penalty is the competition's
   (`itc2007.evaluate`); moves are scored incrementally and the final timetable is re-evaluated
   from scratch by the caller.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from exam_scheduling.timetabling.itc2007 import Assignment, Instance


class NoTimetableFound(Exception):
    """No feasible timetable within the time limit (时限内未找到可行排期)."""


@dataclass
class SolveStats:
    feasible_after_s: float = 0.0
    cp_sat_rounds: int = 0
    initial_penalty: int = 0
    final_penalty: int = 0
    moves_tried: int = 0
    moves_accepted: int = 0
    log: list[str] = field(default_factory=list)


@dataclass
class SolveResult:
    assignment: Assignment
    stats: SolveStats


def _maximal(sets: Iterable[set[int]]) -> list[frozenset[int]]:
    """The distinct sets of two or more that no other set contains (fewer, equally strong
    at-most-one constraints: many students sit a subset of another's exams)."""
    distinct = sorted({frozenset(s) for s in sets if len(s) > 1}, key=len, reverse=True)
    kept: list[frozenset[int]] = []
    containing: dict[int, list[int]] = defaultdict(list)
    for candidate in distinct:
        pivot = min(candidate, key=lambda g: len(containing[g]))
        if any(candidate <= kept[k] for k in containing[pivot]):
            continue
        for g in candidate:
            containing[g].append(len(kept))
        kept.append(candidate)
    return kept


class _StopAtZero(cp_model.CpSolverSolutionCallback):
    """Stops the search at the first timetable with no seat overflow: that is all phase 1
    needs, and CP-SAT does not always close the bound by itself."""

    def on_solution_callback(self) -> None:
        if self.objective_value <= 0:
            self.stop_search()


class _Groups:
    """Coincident exams (EXAM_COINCIDENCE, transitively) share one period."""

    def __init__(self, instance: Instance) -> None:
        parent = list(range(instance.exam_count))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in instance.coincidence:
            parent[find(a)] = find(b)
        index: dict[int, int] = {}
        self.of_exam = [index.setdefault(find(e), len(index)) for e in range(instance.exam_count)]
        self.members: list[list[int]] = [[] for _ in index]
        for e, g in enumerate(self.of_exam):
            self.members[g].append(e)
        self.allowed: list[list[int]] = []
        for members in self.members:
            longest = max(instance.durations[e] for e in members)
            self.allowed.append(
                [p for p, period in enumerate(instance.periods) if period.duration >= longest]
            )


def _room_order(instance: Instance) -> list[int]:
    return sorted(range(len(instance.rooms)), key=lambda r: instance.rooms[r].capacity)


def _pack_period(
    instance: Instance, exams: list[int], exclusive: set[int], time_limit: float
) -> dict[int, int] | None:
    """Rooms for the exams of one period, or None when they do not fit."""
    rooms = instance.rooms
    w_mixed = instance.weightings.non_mixed_durations
    free = [r.capacity for r in rooms]
    taken_exclusive = [False] * len(rooms)
    durations: list[set[int]] = [set() for _ in rooms]
    placed: dict[int, int] = {}
    for e in sorted(exams, key=lambda e: (e not in exclusive, -instance.sizes[e])):
        best, best_score = -1, math.inf
        size = instance.sizes[e]
        for r in range(len(rooms)):
            if free[r] < size or taken_exclusive[r]:
                continue
            if e in exclusive and free[r] != rooms[r].capacity:
                continue
            mixed = w_mixed if durations[r] and instance.durations[e] not in durations[r] else 0
            score = rooms[r].penalty + mixed + (free[r] - size) * 1e-6
            if score < best_score:
                best, best_score = r, score
        if best < 0:
            return _pack_period_cp(instance, exams, exclusive, time_limit)
        placed[e] = best
        free[best] -= size
        durations[best].add(instance.durations[e])
        taken_exclusive[best] = e in exclusive
    return placed


def _pack_period_cp(
    instance: Instance, exams: list[int], exclusive: set[int], time_limit: float
) -> dict[int, int] | None:
    model = cp_model.CpModel()
    rooms = range(len(instance.rooms))
    x = {
        (e, r): model.new_bool_var(f"x{e}_{r}")
        for e in exams
        for r in rooms
        if instance.sizes[e] <= instance.rooms[r].capacity
    }
    for e in exams:
        model.add_exactly_one(x[e, r] for r in rooms if (e, r) in x)
    for r in rooms:
        here = [(e, x[e, r]) for e in exams if (e, r) in x]
        model.add(sum(instance.sizes[e] * v for e, v in here) <= instance.rooms[r].capacity)
        for e, v in here:
            if e in exclusive:
                for f, u in here:
                    if f != e:
                        model.add_implication(v, u.Not())
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, time_limit)
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return {e: r for (e, r), v in x.items() if solver.boolean_value(v)}


def _rehome_unpacked(
    instance: Instance, groups: _Groups, chosen: list[int], pack_limit: float
) -> Assignment | None:
    """Rooms for CP-SAT's periods. CP-SAT only sees seat totals, so a period's exams may not
    pack into its rooms; the groups left over move to another period they fit in without a
    clash or a broken AFTER/EXCLUSION. None when one finds no such period."""
    exclusive = set(instance.room_exclusive)
    chosen = list(chosen)
    of_exam, members = groups.of_exam, groups.members
    neighbours: list[set[int]] = [set() for _ in members]
    for a, b in instance.conflicts:
        neighbours[of_exam[a]].add(of_exam[b])
        neighbours[of_exam[b]].add(of_exam[a])
    before: list[list[int]] = [[] for _ in members]  # groups that must come earlier
    apart: list[list[int]] = [[] for _ in members]
    for a, b in instance.after:
        before[of_exam[a]].append(of_exam[b])
    for a, b in instance.exclusion:
        apart[of_exam[a]].append(of_exam[b])
        apart[of_exam[b]].append(of_exam[a])
    after: list[list[int]] = [[] for _ in members]
    for g, earlier in enumerate(before):
        for h in earlier:
            after[h].append(g)

    def exams_in(p: int) -> list[int]:
        return [e for g, q in enumerate(chosen) if q == p for e in members[g]]

    packings: dict[int, dict[int, int]] = {}
    homeless: list[int] = []
    for p in range(len(instance.periods)):
        packing = _pack_period(instance, exams_in(p), exclusive, pack_limit)
        while packing is None:
            # Evict the smallest group of the period until the rest packs.
            here = sorted(
                {g for g, q in enumerate(chosen) if q == p},
                key=lambda g: sum(instance.sizes[e] for e in members[g]),
            )
            homeless.append(here[0])
            chosen[here[0]] = -1
            packing = _pack_period(instance, exams_in(p), exclusive, pack_limit)
        packings[p] = packing
    for g in homeless:
        for q in groups.allowed[g]:
            if (
                any(chosen[h] == q for h in neighbours[g] | set(apart[g]))
                or any(chosen[h] >= q for h in before[g])
                or any(0 <= chosen[h] <= q for h in after[g])
            ):
                continue
            packing = _pack_period(instance, exams_in(q) + members[g], exclusive, pack_limit)
            if packing is not None:
                chosen[g] = q
                packings[q] = packing
                break
        else:
            return None
    periods = [chosen[of_exam[e]] for e in range(instance.exam_count)]
    rooms = [-1] * instance.exam_count
    for packing in packings.values():
        for e, r in packing.items():
            rooms[e] = r
    return Assignment(periods=periods, rooms=rooms)


def feasible_timetable(
    instance: Instance,
    time_limit: float,
    workers: int = 1,
    seed: int = 0,
    stats: SolveStats | None = None,
) -> Assignment:
    """Phase 1: a timetable breaking no hard constraint, found with CP-SAT."""
    stats = stats or SolveStats()
    started = time.monotonic()
    groups = _Groups(instance)
    exclusive = set(instance.room_exclusive)
    total_seats = sum(r.capacity for r in instance.rooms)
    largest_room = max(r.capacity for r in instance.rooms)
    for e, size in enumerate(instance.sizes):
        if size > largest_room:
            raise NoTimetableFound(f"exam {e} has {size} students, no room holds them")

    model = cp_model.CpModel()
    n_periods = len(instance.periods)
    at: list[dict[int, cp_model.IntVar]] = []
    for g, allowed in enumerate(groups.allowed):
        if not allowed:
            raise NoTimetableFound(f"exam {groups.members[g][0]} is longer than every period")
        at.append({p: model.new_bool_var(f"at{g}_{p}") for p in allowed})
        model.add_exactly_one(at[g].values())
    period = [sum(p * b for p, b in bools.items()) for bools in at]

    # One at-most-one per period and distinct set of exams a student sits: CP-SAT's linear
    # relaxation sees the cliques, which an AllDifferent over period numbers hides from it.
    student_groups: dict[int, set[int]] = defaultdict(set)
    for e, students in enumerate(instance.students):
        for s in students:
            student_groups[s].add(groups.of_exam[e])
    for clique in _maximal(student_groups.values()):
        for p in range(n_periods):
            together = [at[g][p] for g in sorted(clique) if p in at[g]]
            if len(together) > 1:
                model.add_at_most_one(together)
    for a, b in instance.after:
        model.add(period[groups.of_exam[a]] >= period[groups.of_exam[b]] + 1)
    for a, b in instance.exclusion:
        ga, gb = groups.of_exam[a], groups.of_exam[b]
        if ga == gb:
            raise NoTimetableFound(f"exams {a} and {b} must coincide and must not")
        for p in set(at[ga]) & set(at[gb]):
            model.add_at_most_one([at[ga][p], at[gb][p]])

    def seats(e: int) -> int:
        if e not in exclusive:
            return instance.sizes[e]
        # An exclusive exam takes a whole room: at least the smallest one it fits in.
        return min(r.capacity for r in instance.rooms if r.capacity >= instance.sizes[e])

    # Seats are the tight part (set 4: one room, 86 % of all its seats used). As a hard
    # constraint CP-SAT often finds nothing in minutes; as overflow to minimise, its
    # neighbourhood search drives it to zero quickly.
    group_seats = [sum(seats(e) for e in members) for members in groups.members]
    capacities = sorted({r.capacity for r in instance.rooms})
    thresholds = capacities[:-1]
    seats_above = {t: sum(r.capacity for r in instance.rooms if r.capacity > t) for t in thresholds}
    seats_over = [
        {
            t: sum(seats(e) for e in members if instance.sizes[e] > t)
            for t in thresholds
            if any(instance.sizes[e] > t for e in members)
        }
        for members in groups.members
    ]
    overflow = []
    for p in range(n_periods):
        here = [(h, at[h][p]) for h in range(len(at)) if p in at[h]]
        load = sum(group_seats[h] * lit for h, lit in here)
        over = model.new_int_var(0, max(0, sum(group_seats) - total_seats), f"over{p}")
        model.add(load <= total_seats + over)
        overflow.append(over)
        # Exams larger than a room can only sit in the rooms larger than it: per capacity
        # threshold, their seats within those rooms' seats. Without these, set 1 (seven rooms
        # of very different sizes) keeps failing the room packing.
        for threshold in thresholds:
            big = [
                (seats_over[h][threshold], lit)
                for h, lit in here
                if seats_over[h].get(threshold, 0) > 0
            ]
            if big:
                model.add(sum(n * lit for n, lit in big) <= seats_above[threshold])
        exclusive_here = [lit for h, lit in here for e in groups.members[h] if e in exclusive]
        if exclusive_here:
            model.add(sum(exclusive_here) <= len(instance.rooms))
    model.minimize(sum(overflow))

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # Presolve spends most of a minute on the clique constraints of the large sets (55 s of
    # 120 on set 7) and its feasibility jump then finds no start; without it, 7 s.
    solver.parameters.cp_model_presolve = False
    while True:
        left = time_limit - (time.monotonic() - started)
        if left <= 0:
            raise NoTimetableFound(f"no feasible timetable in {time_limit:.0f} s")
        solver.parameters.max_time_in_seconds = left
        stats.cp_sat_rounds += 1
        status = solver.solve(model, _StopAtZero())
        if status == cp_model.INFEASIBLE:
            raise NoTimetableFound("the hard constraints cannot all be met")
        # FEASIBLE at zero overflow happens when the limit strikes as the solution is found.
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or solver.objective_value > 0:
            raise NoTimetableFound(
                f"no feasible timetable in {time_limit:.0f} s"
                + (f" (best: {solver.objective_value:.0f} seats short)" if status else "")
            )
        chosen = [next(p for p, b in bools.items() if solver.boolean_value(b)) for bools in at]
        pack_limit = min(5.0, max(0.1, left / 10))
        repaired = _rehome_unpacked(instance, groups, chosen, pack_limit)
        if repaired is not None:
            stats.feasible_after_s = time.monotonic() - started
            return repaired
        # Some period's groups cannot all share its rooms, nor move elsewhere: not all of
        # them together there, and CP-SAT looks again.
        for p in range(n_periods):
            gs = {g for g, q in enumerate(chosen) if q == p}
            exams = [e for g in gs for e in groups.members[g]]
            if _pack_period(instance, exams, exclusive, pack_limit) is None:
                model.add(sum(at[g][p] for g in gs) <= len(gs) - 1)
                stats.log.append(f"period {p}: rooms do not fit, cut added")
        model.clear_hints()  # type: ignore[no-untyped-call]
        for h, bools in enumerate(at):
            for p, lit in bools.items():
                model.add_hint(lit, p == chosen[h])


class _Annealer:
    """Incremental state of a timetable for the local search."""

    def __init__(self, instance: Instance, start: Assignment, rng: random.Random) -> None:
        self.inst = instance
        self.rng = rng
        n = instance.exam_count
        self.groups = _Groups(instance)
        self.period = list(start.periods)
        self.room = list(start.rooms)
        self.size = instance.sizes
        self.dur = instance.durations
        self.exclusive = [False] * n
        for e in instance.room_exclusive:
            self.exclusive[e] = True
        self.neighbours: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        for (a, b), c in instance.conflicts.items():
            self.neighbours[a].append((b, c))
            self.neighbours[b].append((a, c))
        gof = self.groups.of_exam
        self.group_neighbours: list[set[int]] = [set() for _ in self.groups.members]
        for a, b in instance.conflicts:
            self.group_neighbours[gof[a]].add(gof[b])
            self.group_neighbours[gof[b]].add(gof[a])
        self.allowed = [set(a) for a in self.groups.allowed]
        self.allowed_list = self.groups.allowed
        # Period order constraints per group: (other group, sign): sign 1 means we must be after.
        self.order: list[list[tuple[int, int]]] = [[] for _ in self.groups.members]
        for a, b in instance.after:
            ga, gb = gof[a], gof[b]
            self.order[ga].append((gb, 1))
            self.order[gb].append((ga, -1))
        for a, b in instance.exclusion:
            ga, gb = gof[a], gof[b]
            self.order[ga].append((gb, 0))
            self.order[gb].append((ga, 0))
        n_p, n_r = len(instance.periods), len(instance.rooms)
        self.pair = [[instance.pair_weight(p, q) if p != q else 0 for q in range(n_p)]
                     for p in range(n_p)]  # fmt: skip
        w = instance.weightings
        self.w_mixed = w.non_mixed_durations
        self.front = [
            [
                (w.front_load if e in instance.largest_exams and p in instance.last_periods else 0)
                + instance.periods[p].penalty
                for p in range(n_p)
            ]
            if e in instance.largest_exams
            else None
            for e in range(n)
        ]
        self.period_pen = [p.penalty for p in instance.periods]
        self.room_pen = [r.penalty for r in instance.rooms]
        self.cap = [r.capacity for r in instance.rooms]
        self.load = [[0] * n_r for _ in range(n_p)]
        self.count = [[0] * n_r for _ in range(n_p)]
        self.excl_taken = [[False] * n_r for _ in range(n_p)]
        self.durs: list[list[dict[int, int]]] = [[{} for _ in range(n_r)] for _ in range(n_p)]
        for e in range(n):
            self._add(e, self.period[e], self.room[e])

    # --- cells -----------------------------------------------------------------------------
    def _add(self, e: int, p: int, r: int) -> None:
        self.period[e], self.room[e] = p, r
        self.load[p][r] += self.size[e]
        self.count[p][r] += 1
        if self.exclusive[e]:
            self.excl_taken[p][r] = True
        d = self.durs[p][r]
        d[self.dur[e]] = d.get(self.dur[e], 0) + 1

    def _remove(self, e: int) -> None:
        p, r = self.period[e], self.room[e]
        self.load[p][r] -= self.size[e]
        self.count[p][r] -= 1
        if self.exclusive[e]:
            self.excl_taken[p][r] = False
        d = self.durs[p][r]
        d[self.dur[e]] -= 1
        if not d[self.dur[e]]:
            del d[self.dur[e]]

    def _exam_cost(self, e: int) -> int:
        p = self.period[e]
        front = self.front[e]
        base = front[p] if front is not None else self.period_pen[p]
        return base + self.room_pen[self.room[e]]

    def _mixed(self, cells: set[tuple[int, int]]) -> int:
        return sum(max(0, len(self.durs[p][r]) - 1) for p, r in cells) * self.w_mixed

    def _pair_cost(self, exams: list[int], moving: set[int]) -> int:
        total = 0
        period, pair = self.period, self.pair
        for e in exams:
            row = pair[period[e]]
            for f, c in self.neighbours[e]:
                if f in moving and f < e:
                    continue
                total += c * row[period[f]]
        return total

    def penalty(self) -> int:
        everything = set(range(self.inst.exam_count))
        cells = {(self.period[e], self.room[e]) for e in everything}
        return (
            self._pair_cost(list(everything), everything)
            + self._mixed(cells)
            + sum(self._exam_cost(e) for e in everything)
        )

    def _best_room(self, e: int, p: int) -> int:
        size, best, best_score = self.size[e], -1, math.inf
        load, count, excl, durs = self.load[p], self.count[p], self.excl_taken[p], self.durs[p]
        for r, cap in enumerate(self.cap):
            if load[r] + size > cap or excl[r] or (self.exclusive[e] and count[r]):
                continue
            score = self.room_pen[r]
            if durs[r] and self.dur[e] not in durs[r]:
                score += self.w_mixed
            if score < best_score:
                best, best_score = r, score
        return best

    # --- moves -----------------------------------------------------------------------------
    def _order_ok(self, g: int, p: int, new: dict[int, int]) -> bool:
        period, members = self.period, self.groups.members
        for other, sign in self.order[g]:
            q = new.get(other)
            if q is None:
                q = period[members[other][0]]
            if (sign == 1 and not p > q) or (sign == -1 and not p < q) or (sign == 0 and p == q):
                return False
        return True

    def try_kempe(self, temperature: float, max_chain: int) -> int | None:
        """A Kempe chain between two periods; returns the accepted delta or None."""
        g = self.rng.randrange(len(self.groups.members))
        members = self.groups.members
        p = self.period[members[g][0]]
        q = self.rng.choice(self.allowed_list[g])
        if q == p:
            return None
        new: dict[int, int] = {g: q}
        frontier = [g]
        gn, period = self.group_neighbours, self.period
        while frontier:
            h = frontier.pop()
            here = new[h]
            there = p if here == q else q
            for k in gn[h]:
                if k not in new and period[members[k][0]] == here:
                    new[k] = there
                    if len(new) > max_chain:
                        return None
                    frontier.append(k)
        for h, target in new.items():
            if target not in self.allowed[h] or not self._order_ok(h, target, new):
                return None
        exams = [e for h in new for e in members[h]]
        moving = set(exams)
        old_place = [(e, period[e], self.room[e]) for e in exams]
        measured = {(pp, rr) for _, pp, rr in old_place}
        before = (
            self._pair_cost(exams, moving)
            + sum(self._exam_cost(e) for e in exams)
            + self._mixed(measured)
        )
        for e in exams:
            self._remove(e)
        added: list[int] = []
        ok = True
        for e in sorted(exams, key=lambda e: (not self.exclusive[e], -self.size[e])):
            target = new[self.groups.of_exam[e]]
            r = self._best_room(e, target)
            if r < 0:
                ok = False
                break
            if (target, r) not in measured:
                # A cell no moving exam left: its cost before the move is its cost now.
                before += self._mixed({(target, r)})
                measured.add((target, r))
            self._add(e, target, r)
            added.append(e)
        if ok:
            after = (
                self._pair_cost(exams, moving)
                + sum(self._exam_cost(e) for e in exams)
                + self._mixed(measured)
            )
            delta = after - before
            if delta <= 0 or self.rng.random() < math.exp(-delta / temperature):
                return delta
        for e in added:
            self._remove(e)
        for e, pp, rr in old_place:
            self._add(e, pp, rr)
        return None

    def try_room(self, temperature: float) -> int | None:
        e = self.rng.randrange(self.inst.exam_count)
        p, r = self.period[e], self.room[e]
        s = self.rng.randrange(len(self.cap))
        if s == r:
            return None
        if (
            self.load[p][s] + self.size[e] > self.cap[s]
            or self.excl_taken[p][s]
            or (self.exclusive[e] and self.count[p][s])
        ):
            return None
        cells = {(p, r), (p, s)}
        before = self._mixed(cells) + self.room_pen[r]
        self._remove(e)
        self._add(e, p, s)
        delta = self._mixed(cells) + self.room_pen[s] - before
        if delta <= 0 or self.rng.random() < math.exp(-delta / temperature):
            return delta
        self._remove(e)
        self._add(e, p, r)
        return None


def anneal(
    instance: Instance,
    start: Assignment,
    time_limit: float,
    seed: int = 0,
    stats: SolveStats | None = None,
) -> Assignment:
    """Phase 2: lower the soft penalty of a feasible ``start``, keeping it feasible."""
    stats = stats or SolveStats()
    rng = random.Random(seed)
    state = _Annealer(instance, start, rng)
    current = state.penalty()
    stats.initial_penalty = current
    best, best_periods, best_rooms = current, list(state.period), list(state.room)
    started = time.monotonic()
    max_chain = max(4, len(state.groups.members) // 4)

    # Starting temperature from the uphill moves of a short random walk.
    samples: list[int] = []
    for _ in range(300):
        d = state.try_kempe(1e12, max_chain)
        if d is not None:
            current += d
            if d > 0:
                samples.append(d)
    t0 = max(1.0, (sum(samples) / len(samples)) * 0.5) if samples else 10.0
    t_end = 0.3
    temperature = t0
    tried = accepted = 0
    while True:
        if tried % 256 == 0:
            elapsed = time.monotonic() - started
            if elapsed >= time_limit:
                break
            temperature = t0 * (t_end / t0) ** (elapsed / time_limit)
        tried += 1
        if rng.random() < 0.8:
            d = state.try_kempe(temperature, max_chain)
        else:
            d = state.try_room(temperature)
        if d is None:
            continue
        accepted += 1
        current += d
        if current < best:
            best, best_periods, best_rooms = current, list(state.period), list(state.room)
    stats.moves_tried, stats.moves_accepted, stats.final_penalty = tried, accepted, best
    return Assignment(periods=best_periods, rooms=best_rooms)


def solve(
    instance: Instance,
    time_limit: float,
    workers: int = 1,
    seed: int = 0,
    feasibility_share: float = 0.5,
) -> SolveResult:
    """A feasible timetable with as low a soft penalty as ``time_limit`` seconds allow."""
    stats = SolveStats()
    started = time.monotonic()
    start = feasible_timetable(instance, time_limit * feasibility_share, workers, seed, stats)
    left = time_limit - (time.monotonic() - started)
    result = anneal(instance, start, max(0.0, left), seed, stats)
    return SolveResult(assignment=result, stats=stats)
