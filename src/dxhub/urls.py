from django.urls import include, path
from django.views.generic import RedirectView

from .api import api

urlpatterns = [
    path("", include("dxhub.core.urls")),
    path("tai-khoan/", include("dxhub.accounts.urls")),
    path("to-chuc/", include("dxhub.org.urls")),
    path("nhat-ky/", include("dxhub.audit.urls")),
    path("bao-cao/", include("dxhub.reporting.urls")),
    path("danh-gia/", include("dxhub.assessment.urls")),
    path("ke-hoach/", include("dxhub.plans.urls")),
    path("api/v1/", api.urls),
    path("favicon.ico", RedirectView.as_view(url="/static/dxhub/favicon.svg", permanent=True)),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
]
