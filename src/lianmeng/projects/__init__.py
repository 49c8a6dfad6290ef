"""Key projects solicited through the alliances (seed 000 六(二))."""
