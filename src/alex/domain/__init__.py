"""Pure computation: no I/O, no framework. Nothing here imports the rest of the app."""
