"""The lifecycle engine: one transition function and one history for everything that has a life.

Beneath every domain app (docs/decisions/0011-layers.md): it knows no domain model. An app
registers the kind of thing it gives a life (:mod:`.kinds`), the guards whose facts it owns
(:mod:`.guards`) and what should follow a change (:mod:`.listeners`).
"""
