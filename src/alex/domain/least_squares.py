"""Non-negative least squares (Lawson & Hanson, 1974), for the rebalancing optimiser.

SciPy is not a dependency, and the problems solved here are tiny (a few dozen unknowns), so
the classic active-set algorithm on top of ``numpy.linalg.lstsq`` is exact and fast enough.
"""

from __future__ import annotations

import numpy as np

from alex.domain.arrays import FloatArray


def nonnegative_least_squares(matrix: FloatArray, target: FloatArray) -> FloatArray:
    """The ``x >= 0`` minimising ``||matrix @ x - target||``.

    Active-set method: repeatedly free the variable whose gradient most wants to grow, solve
    the unconstrained problem on the free set, and step back to the feasible boundary whenever
    that solution turns a free variable negative. Terminates in finitely many steps; the
    iteration cap only guards against floating-point cycling.
    """
    rows, columns = matrix.shape
    solution = np.zeros(columns)
    free = np.zeros(columns, dtype=bool)
    tolerance = 10 * np.finfo(float).eps * np.linalg.norm(matrix, 1) * max(rows, columns)
    for _ in range(3 * columns + 10):
        gradient = matrix.T @ (target - matrix @ solution)
        candidates = np.where(free, -np.inf, gradient)
        if free.all() or candidates.max() <= tolerance:
            break
        free[int(np.argmax(candidates))] = True
        while True:
            trial = np.zeros(columns)
            if free.any():
                trial[free] = np.linalg.lstsq(matrix[:, free], target, rcond=None)[0]
            if not free.any() or trial[free].min() > 0:
                solution = trial
                break
            blocked = free & (trial <= 0)
            gap = solution[blocked] - trial[blocked]
            step = np.min(np.where(gap > 0, solution[blocked] / np.where(gap > 0, gap, 1.0), 0.0))
            solution = solution + step * (trial - solution)
            free &= solution > tolerance
            solution[~free] = 0.0
    return solution
