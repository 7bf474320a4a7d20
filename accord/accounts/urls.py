from django.contrib.auth import views as auth_views
from django.urls import path

from accord.accounts import views
from accord.lib.http import post_only

app_name = "accounts"
URL_PREFIX = "accounts/"

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    # signing out is a POST (a link cannot sign anyone out); a GET goes home instead of answering 405
    path("logout/", post_only("parties:home", keep=[])(auth_views.LogoutView.as_view()), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/notifications/", views.notifications, name="notifications"),
    path("profile/tokens/", views.token_create, name="token_create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
