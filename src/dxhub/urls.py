from django.urls import include, path
from django.views.generic import RedirectView

from dxhub.training import views as training_views

from .api import api

urlpatterns = [
    path("", include("dxhub.core.urls")),
    path("tai-khoan/", include("dxhub.accounts.urls")),
    path("to-chuc/", include("dxhub.org.urls")),
    path("nhat-ky/", include("dxhub.audit.urls")),
    path("bao-cao/", include("dxhub.reporting.urls")),
    path("danh-gia/", include("dxhub.assessment.urls")),
    path("ke-hoach/", include("dxhub.plans.urls")),
    path("hoc-vu-so/", include("dxhub.training.urls")),
    path("xac-thuc/", training_views.verify, name="training_verify_form"),
    path("xac-thuc/<str:code>/", training_views.verify, name="training_verify"),
    path("api/v1/", api.urls),
    path("favicon.ico", RedirectView.as_view(url="/static/dxhub/favicon.svg", permanent=True)),
    path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
]
