"""Retirement Monte Carlo: correlated returns, contributions, inflation and withdrawal strategies."""
