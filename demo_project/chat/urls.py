"""Logging in and out with Django's own views: the session cookie they set is what the
WebSocket's AuthMiddlewareStack reads (notebook 09)."""

from django.contrib.auth import views as auth_views
from django.urls import path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
