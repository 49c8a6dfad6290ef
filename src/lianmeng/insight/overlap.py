"""Member overlap between alliances and industrial-chain coverage (M-60), Snapshot kind "overlap"."""
