"""Return models built from actual US years: rolling historical sequences and the block bootstrap.

Both describe each path as a list of historical years: in simulated year ``t`` path ``p``
lives through calendar year ``years[indices[t - 1, p]]`` of the history window, earning every
asset class's actual real return of that year (``history``, proxies included) and seeing
that year's inflation. Conceptually that is a (paths × years × asset classes) array of real
returns, ``real_growth[indices]``; it is never built, since the portfolio's growth only needs
``real_growth @ weights``, which is computed once per historical year (and per glide-path
step) and then gathered by index, so memory stays at one small integer per path-year.

Historical (``rolling``): one path per start year. A sequence needs ``total_years`` years of
data after its start, so start years run from the window's first year to the last one that
leaves a complete sequence; sequences that would run past the data are left out (FIRECalc's
practice; cFIREsim's too), rather than padded or wrapped, so every path is real history.
Overlapping sequences share most of their years: they are not independent draws, and the
success rate is "the share of start years in which it would have worked", not a probability.

Bootstrap (``bootstrap``): each path strings together blocks of ``block_years`` consecutive
years, every block starting at a year drawn uniformly (with replacement) from the window, and
read circularly (a block that runs past the last year continues from the first), so every
year is equally likely to appear (the circular block bootstrap of Politis and Romano, 1992).
Blocks keep runs of bad years and inflation regimes together; shuffling single years
(``block_years=1``) would erase that sequence risk. Seeded like the parametric model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from alex.domain.arrays import FloatArray
from alex.domain.retirement.history import AnnualHistory, load_history
from alex.domain.retirement.models import RetirementParams
from alex.domain.retirement.weights import yearly_weights

IndexArray = npt.NDArray[np.int16]
INDEX_TYPE: Final = np.int16
"""Positions in a window of at most a few hundred years: two bytes per path-year."""


@dataclass(frozen=True, slots=True)
class SequenceReturnModel:
    """Real portfolio growth along paths made of historical years (see the module docstring)."""

    history: AnnualHistory  # the window drawn on
    indices: IndexArray  # (total_years, paths): each path's year, as a row of the tables below
    growth_table: FloatArray  # (rows,) or, with a glide path, (rows, total_years)
    inflation_table: FloatArray  # (rows,)
    constant_weights: bool
    wrap: int = 0
    """The tables' rows are the window's years, then its first ``wrap`` years again (circular blocks)."""

    @property
    def paths(self) -> int:
        return int(self.indices.shape[1])

    @property
    def start_years(self) -> npt.NDArray[np.int64]:
        """Calendar year each path begins with (its first simulated year)."""
        rows = self.indices[0].astype(np.intp) % len(self.history.years)
        starts: npt.NDArray[np.int64] = self.history.years[rows]
        return starts

    @classmethod
    def rolling(cls, params: RetirementParams) -> SequenceReturnModel:
        """Every complete sequence of ``params.total_years`` consecutive years in the window."""
        history = load_history().window(*params.history_window)
        total_years = params.total_years
        starts = np.arange(len(history.years) - total_years + 1, dtype=INDEX_TYPE)
        indices = np.arange(total_years, dtype=INDEX_TYPE)[:, None] + starts[None, :]
        return cls._build(params, history, indices)

    @classmethod
    def bootstrap(cls, params: RetirementParams, rng: np.random.Generator) -> SequenceReturnModel:
        """``params.paths`` paths of circular blocks of ``params.block_years`` years."""
        history = load_history().window(*params.history_window)
        available = len(history.years)
        block = params.block_years
        total_years = params.total_years
        blocks = -(-total_years // block)
        starts = rng.integers(0, available, size=(blocks, params.paths), dtype=INDEX_TYPE)
        offsets = np.arange(block, dtype=INDEX_TYPE)
        # A block starting near the end runs on into the window's first years: the tables repeat
        # those after the last year, which spares a modulo over every path-year.
        indices = starts[:, None, :] + offsets[None, :, None]
        return cls._build(
            params, history, indices.reshape(blocks * block, params.paths)[:total_years], wrap=block - 1
        )

    @classmethod
    def _build(
        cls, params: RetirementParams, history: AnnualHistory, indices: IndexArray, *, wrap: int = 0
    ) -> SequenceReturnModel:
        weights = yearly_weights(params)
        rows = np.arange(len(history.years) + wrap) % len(history.years)
        real_growth = history.real_growth()[rows]
        if weights.constant:
            table: FloatArray = real_growth @ weights.by_year[0]
        else:
            table = real_growth @ weights.by_year.T
        return cls(
            history=history,
            indices=np.ascontiguousarray(indices),
            growth_table=table,
            inflation_table=history.inflation[rows],
            constant_weights=weights.constant,
            wrap=wrap,
        )

    def real_growth(
        self, rng: np.random.Generator, *, first_year: int, last_year: int, paths: int
    ) -> FloatArray:
        """Growth factors for years ``first_year..last_year`` (1-based), shape (years, paths).

        ``rng`` and ``paths`` are there to match the parametric model; the paths were fixed
        when the model was built."""
        rows = self.indices[first_year - 1 : last_year]
        if self.constant_weights:
            growth: FloatArray = self.growth_table[rows]
        else:
            growth = self.growth_table[rows, np.arange(first_year - 1, last_year)[:, None]]
        return growth

    def inflation(self, *, first_year: int, last_year: int) -> FloatArray:
        """Each path's inflation (a fraction) in years ``first_year..last_year``, shape (years, paths)."""
        rates: FloatArray = self.inflation_table[self.indices[first_year - 1 : last_year]]
        return rates

    def asset_real_returns(self, *, first_year: int, last_year: int) -> FloatArray:
        """Real return of each simulated asset class, shape (paths, years, 5): what the paths live through."""
        rows = self.indices[first_year - 1 : last_year].T % len(self.history.years)
        returns: FloatArray = self.history.real_growth()[rows] - 1
        return returns
