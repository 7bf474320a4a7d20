from django.urls import path

from accord.parties import views

app_name = "parties"

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/invitation/<str:token>/", views.invitation, name="invitation"),
    path("r/<slug:slug>/", views.relationship_detail, name="relationship"),
    path("r/<slug:slug>/settings/", views.relationship_settings, name="relationship_settings"),
    path(
        "r/<slug:slug>/facilitators/invite/",
        views.relationship_invite_guest,
        name="relationship_invite_guest",
    ),
    path("r/<slug:slug>/audit/", views.relationship_audit, name="relationship_audit"),
    path("parties/<slug:slug>/", views.party_detail, name="party"),
    path("parties/<slug:slug>/invite/", views.party_invite, name="party_invite"),
    path(
        "parties/<slug:slug>/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"
    ),
    path("parties/<slug:slug>/counterparts/new/", views.counterpart_create, name="counterpart_create"),
    path("parties/<slug:slug>/audit/", views.party_audit, name="party_audit"),
    path("parties/<slug:slug>/sites/new/", views.site_create, name="site_create"),
    path("parties/<slug:slug>/products/new/", views.product_create, name="product_create"),
    path("memberships/<int:pk>/", views.membership_edit, name="membership_edit"),
    path("sites/<int:pk>/", views.site_edit, name="site_edit"),
    path("products/<int:pk>/", views.product_edit, name="product_edit"),
]
