"""`make bench`: the production settings, plus the bare "ceiling" view that the pages'
throughput is compared to (`bench/urls.py`). Never used to serve the site."""

from .production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
