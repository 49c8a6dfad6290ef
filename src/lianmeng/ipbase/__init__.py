"""Patent pool and industrial technology standards base (M-61, seed 000 四(一)4)."""
