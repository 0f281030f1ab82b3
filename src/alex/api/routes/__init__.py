"""Thin routers: parse, check ownership through the dependencies, call the db layer, shape the reply."""
