"""Blueprints: parse the request, make one domain call, render."""
