"""The product's settings with one extra route for the benchmark's bare view (national_bench).

gunicorn serves the product with these settings during `make bench`, so the bare view runs in
the same workers, with the same middleware, database and cache as the pages it is compared
with. The product itself never loads this module.
"""

from lianmeng.config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.bench.bare_urls"
