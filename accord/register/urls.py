from django.urls import path, register_converter

from accord.register import views, views_discussion, views_files, views_task_forces


class ItemKey:
    """An item's key in an address: 7 (shared), S4 or C2 (a side's private item), or its reference
    TLA-S0004 (the item page redirects to its key); see numbering.py."""

    regex = "(?:[A-Za-z0-9]{1,20}-)?[SCsc]?[0-9]{1,10}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: object) -> str:
        return str(value)


register_converter(ItemKey, "itemkey")

app_name = "register"

urlpatterns = [
    path("my/items/", views.my_items, name="my_items"),
    path("r/<slug:slug>/items/", views.register, name="list"),
    path("r/<slug:slug>/items/new/", views.item_create, name="create"),
    path("r/<slug:slug>/items/export.<str:fmt>", views_files.export, name="export"),
    path("r/<slug:slug>/items/import/", views_files.import_register, name="import"),
    path("r/<slug:slug>/items/import/errors.csv", views_files.import_errors_csv, name="import_errors"),
    path("r/<slug:slug>/items/<itemkey:number>/", views.item_detail, name="item"),
    path("r/<slug:slug>/items/<itemkey:number>/edit/", views.item_edit, name="edit"),
    path("r/<slug:slug>/items/<itemkey:number>/transition/", views.item_transition, name="transition"),
    path("r/<slug:slug>/items/<itemkey:number>/comment/", views.item_comment, name="comment"),
    path("r/<slug:slug>/items/<itemkey:number>/quick/", views.item_quick, name="quick"),
    path("r/<slug:slug>/items/<itemkey:number>/propose/", views_discussion.item_propose, name="propose"),
    path(
        "r/<slug:slug>/items/<itemkey:number>/proposals/<int:pk>/<str:decision>/",
        views_discussion.item_decide,
        name="decide",
    ),
    path("r/<slug:slug>/items/<itemkey:number>/people/", views_discussion.item_people, name="people"),
    path("r/<slug:slug>/task-forces/", views_task_forces.task_forces, name="task_forces"),
    path("r/<slug:slug>/task-forces/<int:pk>/", views_task_forces.task_force_detail, name="task_force"),
    path(
        "r/<slug:slug>/task-forces/<int:pk>/edit/", views_task_forces.task_force_edit, name="task_force_edit"
    ),
]
