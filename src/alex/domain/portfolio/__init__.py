"""Portfolio analytics: valuation, allocations, drift, rebalancing and X-ray style rules."""
