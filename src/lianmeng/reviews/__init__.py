"""推荐、受理与申报生命周期（M-03, M-20, M-21）：one engine over the profiles' tables."""
