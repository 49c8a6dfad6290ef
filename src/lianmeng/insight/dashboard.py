"""The department dashboard's figures (M-60), computed into Snapshot kind "dashboard"."""
