import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from alex.domain.least_squares import nonnegative_least_squares

_GRID = st.integers(-10 * 1024, 10 * 1024).map(lambda i: i / 1024)


def test_unconstrained_optimum_is_returned_when_it_is_feasible() -> None:
    matrix = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]])
    expected = np.array([1.0, 0.5])
    assert np.allclose(nonnegative_least_squares(matrix, matrix @ expected), expected)


def test_negative_optimum_is_clipped_to_the_boundary() -> None:
    matrix = np.eye(2)
    assert np.allclose(nonnegative_least_squares(matrix, np.array([3.0, -2.0])), [3.0, 0.0])


@settings(max_examples=60, deadline=None)
@given(
    # Values on a 1/1024 grid: the scale of prices and weights. Arbitrary floats include
    # denormals (1e-313) whose exact solutions overflow, which no portfolio produces.
    arrays(np.float64, (6, 4), elements=_GRID),
    arrays(np.float64, (6,), elements=_GRID),
)
def test_solution_satisfies_the_optimality_conditions(matrix: np.ndarray, target: np.ndarray) -> None:
    solution = nonnegative_least_squares(matrix, target)
    gradient = matrix.T @ (matrix @ solution - target)
    scale = 1e-6 * (1 + np.abs(matrix).sum() * (1 + np.abs(target).sum()))
    assert (solution >= 0).all()
    assert (gradient >= -scale).all()  # no feasible direction improves the fit
    assert np.all(np.abs(gradient[solution > 1e-9]) <= scale)  # free variables are at a stationary point
