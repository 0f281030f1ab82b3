"""Chart data in the reference's ``charts_payload`` shape, with a stable palette and a validator."""
