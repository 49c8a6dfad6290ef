"""行政区划（GB/T 2260）与园区：公开的区划树，逐级展开。"""

from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from lianmeng.core.errors import NotFound
from lianmeng.core.models import Jurisdiction

from .schemas import ErrorOut, JurisdictionOut, Pagination

router = Router(tags=["行政区划"])


class JurisdictionFilters(Schema):
    parent: str | None = Field(
        None, max_length=12, description="上级区划代码；省略时列出根（国家）"
    )
    kind: Jurisdiction.Kind | None = Field(None, description="只列出此类别")
    include_inactive: bool = Field(False, description="包括已撤销或更名的历史区划")


def _annotated() -> QuerySet[Jurisdiction]:
    # Public reference data, the same for every viewer: no viewer scoping applies.
    children = Jurisdiction.objects.filter(parent=OuterRef("pk"))
    return Jurisdiction.objects.annotate(
        parent_code=F("parent__code"), has_children=Exists(children)
    ).order_by("code")


@router.get(
    "/jurisdictions",
    response={200: list[JurisdictionOut], 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="区划列表（按上级展开）",
)
@paginate(Pagination)
def jurisdiction_list(
    request: HttpRequest, filters: Query[JurisdictionFilters]
) -> QuerySet[Jurisdiction]:
    """The areas directly under ``parent`` (nation → province → city → county, and zones)."""
    qs = _annotated()
    if filters.parent:
        parent = Jurisdiction.objects.filter(code=filters.parent).first()
        if parent is None:
            raise NotFound(
                _("区划代码 %(code)s 不存在。") % {"code": filters.parent},
                details={"path": "query.parent"},
            )
        qs = qs.filter(parent=parent)
    else:
        qs = qs.filter(parent__isnull=True)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if not filters.include_inactive:
        qs = qs.filter(active=True)
    return qs


@router.get(
    "/jurisdictions/{code}",
    response={200: JurisdictionOut, 404: ErrorOut},
    auth=None,
    summary="单个区划",
)
def jurisdiction_get(request: HttpRequest, code: str) -> Jurisdiction:
    found = _annotated().filter(code=code).first()
    if found is None:
        raise NotFound(_("区划代码 %(code)s 不存在。") % {"code": code})
    return found
