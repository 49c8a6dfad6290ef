"""URLs of insight (urls_overlap): member overlap, the network of alliances and chain coverage."""

from django.urls import path

from . import views_overlap as v

urlpatterns: list = [
    path("staff/insight/overlap/", v.overlap, name="overlap"),
    path("staff/insight/overlap/unit/", v.overlap_unit, name="overlap_unit"),
    path("staff/insight/overlap/export.xlsx", v.overlap_xlsx, name="overlap_xlsx"),
    path("staff/insight/overlap/refresh/", v.refresh, name="overlap_refresh"),
    path("staff/insight/network/", v.network_page, name="network"),
    path("staff/insight/network/export.xlsx", v.network_xlsx, name="network_xlsx"),
    path("staff/insight/chains/", v.chains, name="chains"),
    path("staff/insight/chains/export.xlsx", v.chains_xlsx, name="chains_xlsx"),
    path("staff/insight/chains/<int:pk>/", v.chain_alliance, name="chain_alliance"),
]
